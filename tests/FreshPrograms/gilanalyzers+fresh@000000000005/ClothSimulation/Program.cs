using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ClothSimulation
{
    struct Vec3
    {
        public double X, Y, Z;
        public Vec3(double x, double y, double z) { X = x; Y = y; Z = z; }
        public static Vec3 operator +(Vec3 a, Vec3 b) { return new Vec3(a.X + b.X, a.Y + b.Y, a.Z + b.Z); }
        public static Vec3 operator -(Vec3 a, Vec3 b) { return new Vec3(a.X - b.X, a.Y - b.Y, a.Z - b.Z); }
        public static Vec3 operator *(Vec3 a, double s) { return new Vec3(a.X * s, a.Y * s, a.Z * s); }
        public double Length() { return Math.Sqrt(X * X + Y * Y + Z * Z); }
    }

    class ClothGrid
    {
        public readonly int Width, Height;
        public Vec3[] Position, Previous, Next;
        public readonly double Rest;

        public ClothGrid(int width, int height, double spacing)
        {
            Width = width; Height = height; Rest = spacing;
            Position = new Vec3[width * height];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    Position[y * width + x] = new Vec3(x * spacing, 0, y * spacing);
            Previous = (Vec3[])Position.Clone();
            Next = new Vec3[Position.Length];
        }

        public Vec3 this[int x, int y] { get { return Position[y * Width + x]; } }

        public void StepRows(int rowFrom, int rowTo, double dt, double time)
        {
            var gravity = new Vec3(0, -9.81, 0);
            for (int y = rowFrom; y < rowTo; y++)
                for (int x = 0; x < Width; x++)
                {
                    int i = y * Width + x;
                    if (y == 0) { Next[i] = Position[i]; continue; }
                    Vec3 p = Position[i], force = gravity + new Vec3(0, 0, 2.5 * Math.Sin(time + x * 0.3));
                    for (int dy = -2; dy <= 2; dy++)
                        for (int dx = -2; dx <= 2; dx++)
                        {
                            int nx = x + dx, ny = y + dy;
                            if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= Width || ny >= Height) continue;
                            Vec3 d = Position[ny * Width + nx] - p;
                            double len = d.Length(), rest = Rest * Math.Sqrt(dx * dx + dy * dy);
                            force = force + d * (400.0 * (len - rest) / (len * Math.Max(1, dx * dx + dy * dy)));
                        }
                    Next[i] = p + (p - Previous[i]) * 0.99 + force * (dt * dt);
                }
        }

        public void Swap()
        {
            Vec3[] old = Previous;
            Previous = Position;
            Position = Next;
            Next = old;
        }
    }

    class Program
    {
        static volatile int s_frame;
        static volatile bool s_done;

        static void Main(string[] args)
        {
            var cloth = new ClothGrid(96, 96, 0.05);
            const int frames = 300;
            const double dt = 1.0 / 240;

            var monitor = new Thread(() =>
            {
                while (!s_done)
                {
                    Thread.Sleep(100);
                    Console.WriteLine("frame " + s_frame + "/" + frames);
                }
            });
            monitor.IsBackground = true;
            monitor.Start();

            for (int f = 0; f < frames; f++)
            {
                int half = cloth.Height / 2;
                double time = f * dt;
                var top = new Thread(() => cloth.StepRows(0, half, dt, time));
                var bottom = new Thread(() => cloth.StepRows(half, cloth.Height, dt, time));
                top.Start();
                bottom.Start();
                top.Join();
                bottom.Join();
                cloth.Swap();
                s_frame = f + 1;
            }
            s_done = true;
            monitor.Join();

            var rowStretch = new double[cloth.Height - 1];
            Parallel.For(0, cloth.Height - 1, y =>
            {
                double sum = 0;
                for (int x = 0; x < cloth.Width; x++) sum += (cloth[x, y + 1] - cloth[x, y]).Length() / cloth.Rest;
                rowStretch[y] = sum / cloth.Width;
            });

            Vec3 corner = cloth[cloth.Width - 1, cloth.Height - 1];
            Console.WriteLine("bottom corner: " + corner.X.ToString("F3") + ", " + corner.Y.ToString("F3") + ", " + corner.Z.ToString("F3"));
            Console.WriteLine("max row stretch: " + rowStretch.Max().ToString("F4") + " at row " + Array.IndexOf(rowStretch, rowStretch.Max()));
        }
    }
}
