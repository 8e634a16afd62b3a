namespace Fleet.Firmware
{
    public static class Crc32
    {
        private static readonly uint[] Table = BuildTable();

        private static uint[] BuildTable()
        {
            var table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                table[n] = c;
            }
            return table;
        }

        public static uint Compute(byte[] data, int offset, int count)
        {
            uint crc = 0xFFFFFFFFu;
            for (int i = offset; i < offset + count; i++) crc = Table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
            return ~crc;
        }
    }

    public class FirmwareImage
    {
        public string Name;
        public byte[] Data;
        public uint ExpectedCrc;
    }

    internal class ScanRange
    {
        public int Index;
        public int FirstBlock;
        public int BlockCount;
    }

    internal static class Program
    {
        private const int BlockSize = 4096;
        private static byte[] _flashDump;
        private static uint[] _blockCrcs;
        private static volatile bool _scanDone;
        private static int _blocksScanned;

        private static void ScanWorker(object state)
        {
            var range = (ScanRange)state;
            for (int b = range.FirstBlock; b < range.FirstBlock + range.BlockCount; b++)
            {
                _blockCrcs[b] = Crc32.Compute(_flashDump, b * BlockSize, BlockSize);
                Interlocked.Increment(ref _blocksScanned);
            }
        }

        private static async Task<bool> VerifyImageAsync(FirmwareImage image, string logDir)
        {
            uint crc = Crc32.Compute(image.Data, 0, image.Data.Length);
            for (int pass = 0; pass < 3; pass++)
                crc = Crc32.Compute(BitConverter.GetBytes(crc), 0, 4) ^ Crc32.Compute(image.Data, 0, image.Data.Length);
            bool ok = crc == image.ExpectedCrc;
            await File.WriteAllTextAsync(Path.Combine(logDir, image.Name + ".log"), ok ? "OK" : $"BAD {crc:X8}");
            return ok;
        }

        private static async Task Main()
        {
            var rng = new Random(42);
            _flashDump = new byte[2048 * BlockSize];
            rng.NextBytes(_flashDump);
            _blockCrcs = new uint[2048];

            var progress = new Thread(() =>
            {
                while (!_scanDone)
                {
                    Thread.Sleep(25);
                }
            }) { IsBackground = true, Name = "scan-progress" };
            progress.Start();

            int workerCount = Environment.ProcessorCount;
            int perWorker = _blockCrcs.Length / workerCount;
            var threads = new List<Thread>();
            for (int i = 0; i < workerCount; i++)
            {
                var t = new Thread(new ParameterizedThreadStart(ScanWorker));
                threads.Add(t);
                int count = i == workerCount - 1 ? _blockCrcs.Length - i * perWorker : perWorker;
                t.Start(new ScanRange { Index = i, FirstBlock = i * perWorker, BlockCount = count });
            }
            foreach (Thread t in threads) t.Join();
            _scanDone = true;
            progress.Join();

            var images = new List<FirmwareImage>();
            for (int i = 0; i < 12; i++)
            {
                var data = new byte[1 << 20];
                rng.NextBytes(data);
                images.Add(new FirmwareImage { Name = $"ecu{i:D2}", Data = data, ExpectedCrc = (uint)rng.Next() });
            }
            string logDir = Directory.CreateTempSubdirectory("fwscan").FullName;
            bool[] verdicts = await Task.WhenAll(images.Select(img => VerifyImageAsync(img, logDir)));

            uint rollup = Crc32.Compute(_blockCrcs.SelectMany(BitConverter.GetBytes).ToArray(), 0, _blockCrcs.Length * 4);
            Console.WriteLine($"blocks={_blocksScanned} rollup={rollup:X8} verified={verdicts.Count(v => v)}/{images.Count}");
            Directory.Delete(logDir, true);
        }
    }
}
