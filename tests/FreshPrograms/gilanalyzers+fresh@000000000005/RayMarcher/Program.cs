using System.Numerics;

namespace RayMarcher;

sealed class Framebuffer
{
    readonly float[] _lum;
    public int Width { get; }
    public int Height { get; }
    public long Checksum { get; set; }

    public Framebuffer(int width, int height) { Width = width; Height = height; _lum = new float[width * height]; }

    public float this[int x, int y]
    {
        get => _lum[y * Width + x];
        set => _lum[y * Width + x] = value;
    }

    public string Ascii(int step)
    {
        const string ramp = " .:-=+*#%@";
        var sb = new System.Text.StringBuilder();
        for (int y = 0; y < Height; y += step * 2)
        {
            for (int x = 0; x < Width; x += step) sb.Append(ramp[Math.Clamp((int)(this[x, y] * 9.99f), 0, 9)]);
            sb.AppendLine();
        }
        return sb.ToString();
    }
}

sealed class Scene
{
    static float Sphere(Vector3 p, Vector3 c, float r) => (p - c).Length() - r;
    static float Torus(Vector3 p, float R, float r) => new Vector2(new Vector2(p.X, p.Z).Length() - R, p.Y).Length() - r;

    public float Distance(Vector3 p)
    {
        float d = p.Y + 1.0f;
        d = MathF.Min(d, Sphere(p, new Vector3(0, 0, 4), 1.0f));
        d = MathF.Min(d, Torus(p - new Vector3(1.8f, -0.3f, 5), 0.8f, 0.25f));
        return MathF.Min(d, Sphere(p, new Vector3(-1.6f, -0.4f, 3.2f), 0.6f));
    }

    public Vector3 Normal(Vector3 p)
    {
        const float e = 1e-3f;
        return Vector3.Normalize(new Vector3(
            Distance(p + new Vector3(e, 0, 0)) - Distance(p - new Vector3(e, 0, 0)),
            Distance(p + new Vector3(0, e, 0)) - Distance(p - new Vector3(0, e, 0)),
            Distance(p + new Vector3(0, 0, e)) - Distance(p - new Vector3(0, 0, e))));
    }

    public (float Lum, int Steps) March(Vector3 origin, Vector3 dir)
    {
        float t = 0;
        for (int i = 0; i < 160; i++)
        {
            Vector3 p = origin + dir * t;
            float d = Distance(p);
            if (d < 1e-4f)
            {
                var light = Vector3.Normalize(new Vector3(-0.6f, 0.8f, -0.4f));
                float diffuse = MathF.Max(0, Vector3.Dot(Normal(p), light));
                return (0.1f + 0.9f * diffuse * SoftShadow(p + Normal(p) * 0.01f, light), i);
            }
            t += d;
            if (t > 40) break;
        }
        return (0f, 160);
    }

    public float SoftShadow(Vector3 origin, Vector3 dir)
    {
        float result = 1, t = 0.02f;
        for (int i = 0; i < 64 && t < 20; i++)
        {
            float h = Distance(origin + dir * t);
            if (h < 1e-4f) return 0;
            result = MathF.Min(result, 8 * h / t);
            t += h;
        }
        return result;
    }
}

class Program
{
    static void Main()
    {
        var scene = new Scene();
        var frame = new Framebuffer(800, 540);
        var shadowMask = new Framebuffer(800, 540);
        var statsLock = new Lock();
        long totalSteps = 0;

        Parallel.For(0, frame.Height, y =>
        {
            int rowSteps = 0;
            lock (frame)
            {
                for (int x = 0; x < frame.Width; x++)
                {
                    var dir = Vector3.Normalize(new Vector3((x - frame.Width / 2f) / frame.Height, -(y - frame.Height / 2f) / frame.Height, 1));
                    var (lum, steps) = scene.March(Vector3.Zero, dir);
                    frame[x, y] = lum;
                    frame.Checksum += (long)(lum * 1000) * (x + 1);
                    rowSteps += steps;
                }
            }
            using (statsLock.EnterScope())
            {
                totalSteps += rowSteps;
            }
        });

        var sun = Vector3.Normalize(new Vector3(-0.6f, 0.8f, -0.4f));
        Parallel.For(0, shadowMask.Height, y =>
        {
            var row = new float[shadowMask.Width];
            for (int x = 0; x < row.Length; x++)
            {
                var ground = new Vector3((x - row.Length / 2f) / 40f, -0.999f, 1 + y / 32f);
                row[x] = scene.SoftShadow(ground, sun);
            }
            lock (shadowMask)
            {
                for (int x = 0; x < row.Length; x++) shadowMask[x, y] = row[x];
                shadowMask.Checksum += (long)(row.Sum() * 100);
            }
        });

        Console.Write(frame.Ascii(20));
        Console.WriteLine($"frame checksum {frame.Checksum}, shadow checksum {shadowMask.Checksum}, march steps {totalSteps}");
    }
}
