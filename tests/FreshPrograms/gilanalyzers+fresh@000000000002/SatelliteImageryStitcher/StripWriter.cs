using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace SatelliteImageryStitcher
{
    /// <summary>Writes finished bands to disk on its own thread so the blend workers never wait on I/O.</summary>
    internal sealed class StripWriter
    {
        private readonly string _directory;
        private readonly Queue<byte[]> _pending = new Queue<byte[]>();
        private readonly Queue<int> _names = new Queue<int>();
        private readonly object _sync = new object();
        private Thread _thread;
        private bool _finishing;
        private int _written;

        public StripWriter(string directory) { _directory = directory; }

        public int Written { get { return _written; } }

        public void Start()
        {
            _thread = new Thread(WriteLoop);
            _thread.Name = "strip-writer";
            _thread.Start();
        }

        public void Enqueue(int name, float[,] mosaic, int firstRow, int lastRow)
        {
            int width = mosaic.GetLength(1);
            byte[] data = new byte[(lastRow - firstRow) * width];
            for (int y = firstRow; y < lastRow; y++)
                for (int x = 0; x < width; x++)
                    data[(y - firstRow) * width + x] = (byte)(255 * System.Math.Clamp(mosaic[y, x], 0f, 1f));

            lock (_sync)
            {
                _pending.Enqueue(data);
                _names.Enqueue(name);
                Monitor.Pulse(_sync);
            }
        }

        public void Finish()
        {
            lock (_sync)
            {
                _finishing = true;
                Monitor.Pulse(_sync);
            }
            _thread.Join();
        }

        private void WriteLoop()
        {
            while (true)
            {
                byte[] data;
                int name;
                lock (_sync)
                {
                    while (_pending.Count == 0 && !_finishing) Monitor.Wait(_sync);
                    if (_pending.Count == 0) return;
                    data = _pending.Dequeue();
                    name = _names.Dequeue();
                }
                File.WriteAllBytes(Path.Combine(_directory, "strip-" + name.ToString("D5") + ".raw"), data);
                _written++;
            }
        }
    }
}
