using System.Text;

namespace LSystemPlantRenderer;

public record Species(string Name, string Axiom, Dictionary<char, string> Rules, int Generations, int AngleDegrees, int OriginX);

public sealed class Canvas(int width, int height)
{
    private readonly byte[] _ink = new byte[width * height];
    public int Width { get; } = width;
    public int Height { get; } = height;

    public byte this[int x, int y]
    {
        get => _ink[y * Width + x];
        set => _ink[y * Width + x] = value;
    }

    public void Line(double x0, double y0, double x1, double y1)
    {
        int steps = (int)Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) + 1;
        for (int s = 0; s <= steps; s++)
        {
            int x = (int)(x0 + (x1 - x0) * s / steps), y = (int)(y0 + (y1 - y0) * s / steps);
            if (x >= 0 && y >= 0 && x < Width && y < Height && this[x, y] < 255) this[x, y]++;
        }
    }

    public int InkedPixels() => _ink.Count(b => b > 0);
}

public static class Trig
{
    private static double[]? s_sin, s_cos;
    private static readonly object s_gate = new();

    public static (double[] Sin, double[] Cos) Tables()
    {
        if (s_sin is null)
        {
            lock (s_gate)
            {
                if (s_sin is null)
                {
                    s_cos = Enumerable.Range(0, 360).Select(d => Math.Cos(d * Math.PI / 180)).ToArray();
                    s_sin = Enumerable.Range(0, 360).Select(d => Math.Sin(d * Math.PI / 180)).ToArray();
                }
            }
        }
        return (s_sin, s_cos!);
    }
}

public static class Program
{
    private static string Expand(Species sp)
    {
        string current = sp.Axiom;
        for (int g = 0; g < sp.Generations; g++)
        {
            var next = new StringBuilder(current.Length * 4);
            foreach (char c in current) next.Append(sp.Rules.TryGetValue(c, out var r) ? r : c.ToString());
            current = next.ToString();
        }
        return current;
    }

    private static void Draw(string program, Species sp, Canvas canvas, double step)
    {
        var (sin, cos) = Trig.Tables();
        var stack = new Stack<(double X, double Y, int Heading)>();
        double x = sp.OriginX, y = canvas.Height - 1;
        int heading = 270;
        foreach (char c in program)
        {
            switch (c)
            {
                case 'F':
                    double nx = x + step * cos[heading], ny = y + step * sin[heading];
                    canvas.Line(x, y, nx, ny);
                    (x, y) = (nx, ny);
                    break;
                case '+': heading = (heading + sp.AngleDegrees) % 360; break;
                case '-': heading = (heading - sp.AngleDegrees + 360) % 360; break;
                case '[': stack.Push((x, y, heading)); break;
                case ']': (x, y, heading) = stack.Pop(); break;
            }
        }
    }

    public static void Main()
    {
        var species = new List<Species>();
        for (int i = 0; i < 16; i++)
        {
            var rules = new Dictionary<char, string> { ['F'] = i % 2 == 0 ? "FF-[-F+F+F]+[+F-F-F]" : "F[+F]F[-F][F]", ['X'] = "F-[[X]+X]+F[+FX]-X" };
            species.Add(new Species($"plant{i:D2}", i % 3 == 0 ? "X" : "F", rules, i % 2 == 0 ? 7 : 8, 18 + i, 60 + i * 110));
        }

        var garden = new Canvas(1900, 900);
        var gardenLock = new Lock();
        Parallel.ForEach(species, sp =>
        {
            using (gardenLock.EnterScope())
            {
                string program = Expand(sp);
                Draw(program, sp, garden, step: 0.12);
            }
        });

        string outDir = Path.Combine(Path.GetTempPath(), $"lsystem-{Environment.ProcessId}");
        Directory.CreateDirectory(outDir);
        using var diskSlots = new SemaphoreSlim(3, 3);
        Parallel.ForEach(species, sp =>
        {
            var header = Encoding.ASCII.GetBytes($"P5 120 {garden.Height} 255\n");
            var strip = new byte[120 * garden.Height];
            for (int y = 0; y < garden.Height; y++)
                for (int x = 0; x < 120; x++)
                    strip[y * 120 + x] = garden[Math.Clamp(sp.OriginX - 60 + x, 0, garden.Width - 1), y];
            diskSlots.Wait();
            try
            {
                File.WriteAllBytes(Path.Combine(outDir, sp.Name + ".pgm"), header.Concat(strip).ToArray());
            }
            finally
            {
                diskSlots.Release();
            }
        });

        Console.WriteLine($"inked pixels: {garden.InkedPixels()}");
        Console.WriteLine($"files: {Directory.GetFiles(outDir).Length}, bytes: {Directory.GetFiles(outDir).Sum(f => new FileInfo(f).Length)}");
        Directory.Delete(outDir, recursive: true);
    }
}
