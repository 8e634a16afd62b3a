namespace Scanner.Imaging
{
    /// <summary>Base class for the scan-line workers (ported from the Delphi TThread descendants).</summary>
    public abstract class FilterWorker
    {
        protected readonly float[] Source;
        protected readonly float[] Target;
        protected readonly int Width;
        private readonly int _firstRow;
        private readonly int _lastRow;
        private Thread _thread;

        protected FilterWorker(float[] source, float[] target, int width, int firstRow, int lastRow)
        {
            Source = source; Target = target; Width = width; _firstRow = firstRow; _lastRow = lastRow;
        }

        public void Start()
        {
            _thread = new Thread(ThreadProc);
            _thread.Start();
        }

        public void WaitFor() => _thread.Join();

        private void ThreadProc()
        {
            for (int row = _firstRow; row < _lastRow; row++)
                Compute(row);
        }

        protected abstract void Compute(int row);
    }

    public sealed class GaussianRowWorker : FilterWorker
    {
        private static readonly float[] Kernel = { 0.006f, 0.061f, 0.242f, 0.383f, 0.242f, 0.061f, 0.006f };

        public GaussianRowWorker(float[] s, float[] t, int w, int first, int last) : base(s, t, w, first, last) { }

        protected override void Compute(int row)
        {
            int height = Source.Length / Width;
            for (int x = 0; x < Width; x++)
            {
                float acc = 0;
                for (int k = -3; k <= 3; k++)
                {
                    int yy = Math.Clamp(row + k, 0, height - 1);
                    for (int j = -3; j <= 3; j++)
                        acc += Kernel[k + 3] * Kernel[j + 3] * Source[yy * Width + Math.Clamp(x + j, 0, Width - 1)];
                }
                Target[row * Width + x] = acc;
            }
        }
    }

    internal static class Program
    {
        private static int FloodFill(bool[] mask, bool[] seen, int w, int x, int y)
        {
            int h = mask.Length / w;
            if (x < 0 || y < 0 || x >= w || y >= h || seen[y * w + x] || !mask[y * w + x]) return 0;
            seen[y * w + x] = true;
            return 1 + FloodFill(mask, seen, w, x + 1, y) + FloodFill(mask, seen, w, x - 1, y)
                     + FloodFill(mask, seen, w, x, y + 1) + FloodFill(mask, seen, w, x, y - 1);
        }

        private static void Main()
        {
            const int width = 1024, height = 768;
            var page = new float[width * height];
            var rng = new Random(3);
            for (int i = 0; i < page.Length; i++) page[i] = (i / width % 40 < 3 ? 0.1f : 0.9f) + (float)rng.NextDouble() * 0.2f;
            var smoothed = new float[page.Length];

            int bands = Environment.ProcessorCount * 2;
            var workers = new FilterWorker[bands];
            for (int b = 0; b < bands; b++)
            {
                workers[b] = new GaussianRowWorker(page, smoothed, width, b * height / bands, (b + 1) * height / bands);
                workers[b].Start();
            }
            foreach (FilterWorker worker in workers)
                worker.WaitFor();

            double ink = 0;
            object merge = new object();
            Parallel.For(0, height, () => 0.0, (y, _, local) =>
            {
                for (int x = 0; x < width; x++) if (smoothed[y * width + x] < 0.5f) local += 1;
                return local;
            },
            local => { lock (merge) ink += local; });

            var mask = smoothed.Select(v => v < 0.5f).ToArray();
            var seen = new bool[mask.Length];
            int largest = 0;
            var labeller = new Thread(() =>
            {
                for (int y = 0; y < height; y += 8)
                    for (int x = 0; x < width; x += 8)
                        largest = Math.Max(largest, FloodFill(mask, seen, width, x, y));
            }, maxStackSize: 256 * 1024 * 1024);
            labeller.Start();
            labeller.Join();

            Console.WriteLine($"bands={bands} inkPixels={ink} largestStroke={largest}");
        }
    }
}
