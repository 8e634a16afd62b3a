#nullable disable
using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace MeshNormalBaker;

public class Mesh
{
    public string Name;
    public Vector3[] Positions;
    public int[] Indices;
    public Vector3[] Normals;
    public float[] Curvature;
    public List<string> Warnings = new List<string>();

    public Mesh(string name, Vector3[] positions, int[] indices)
    {
        Name = name;
        Positions = positions;
        Indices = indices;
        Normals = new Vector3[positions.Length];
        Curvature = new float[positions.Length];
    }
}

public class BakeJob
{
    public Mesh[] Meshes;
    public ManualResetEvent Done = new ManualResetEvent(false);
    public BakeJob(Mesh[] meshes) { Meshes = meshes; }
}

public static class Program
{
    public static void Main()
    {
        var meshes = Enumerable.Range(0, 48).Select(i => Torus($"torus{i:D2}", 1.0f + 0.02f * i, 0.3f, 96 + (i % 4) * 16, 48)).ToArray();

        const int jobCount = 6;
        var jobs = new BakeJob[jobCount];
        var handles = new WaitHandle[jobCount];
        for (int j = 0; j < jobCount; j++)
        {
            jobs[j] = new BakeJob(meshes.Where((m, i) => i % jobCount == j).ToArray());
            handles[j] = jobs[j].Done;
            ThreadPool.QueueUserWorkItem(new WaitCallback(BakeAll), jobs[j]);
        }
        WaitHandle.WaitAll(handles);

        foreach (var mesh in meshes)
        {
            Parallel.For(0, mesh.Normals.Length, v => mesh.Normals[v] = Vector3.Normalize(mesh.Normals[v]));
        }

        float meanCurv = meshes.Average(m => m.Curvature.Average());
        Console.WriteLine($"meshes: {meshes.Length}, vertices: {meshes.Sum(m => m.Positions.Length)}, mean curvature: {meanCurv:F4}");
        Console.WriteLine($"warnings: {meshes.Sum(m => m.Warnings.Count)}; first normal of torus00: {meshes[0].Normals[0]:F3}");
    }

    private static void BakeAll(object state)
    {
        var job = (BakeJob)state;
        try
        {
            foreach (var mesh in job.Meshes) Bake(mesh);
        }
        finally
        {
            job.Done.Set();
        }
    }

    // Area-weighted normals plus a discrete mean-curvature estimate from the one-ring.
    private static void Bake(Mesh mesh)
    {
        var p = mesh.Positions;
        var ring = new List<int>[p.Length];
        for (int v = 0; v < p.Length; v++) ring[v] = new List<int>(6);
        for (int t = 0; t < mesh.Indices.Length; t += 3)
        {
            int a = mesh.Indices[t], b = mesh.Indices[t + 1], c = mesh.Indices[t + 2];
            Vector3 n = Vector3.Cross(p[b] - p[a], p[c] - p[a]);
            mesh.Normals[a] += n; mesh.Normals[b] += n; mesh.Normals[c] += n;
            ring[a].Add(b); ring[a].Add(c); ring[b].Add(c); ring[b].Add(a); ring[c].Add(a); ring[c].Add(b);
        }
        for (int v = 0; v < p.Length; v++)
        {
            var neighbours = ring[v].Distinct().ToList();
            Vector3 laplace = Vector3.Zero;
            foreach (int u in neighbours) laplace += p[u] - p[v];
            laplace /= Math.Max(1, neighbours.Count);
            mesh.Curvature[v] = Vector3.Dot(laplace, Vector3.Normalize(mesh.Normals[v])) * -1f;
            if (float.IsNaN(mesh.Curvature[v]))
            {
                lock (mesh)
                {
                    mesh.Warnings.Add($"degenerate vertex {v}");
                }
            }
        }
    }

    private static Mesh Torus(string name, float major, float minor, int segU, int segV)
    {
        var pos = new Vector3[segU * segV];
        for (int i = 0; i < segU; i++)
            for (int j = 0; j < segV; j++)
            {
                double u = 2 * Math.PI * i / segU, w = 2 * Math.PI * j / segV;
                pos[i * segV + j] = new Vector3((float)((major + minor * Math.Cos(w)) * Math.Cos(u)), (float)((major + minor * Math.Cos(w)) * Math.Sin(u)), (float)(minor * Math.Sin(w)));
            }
        var idx = new List<int>();
        for (int i = 0; i < segU; i++)
            for (int j = 0; j < segV; j++)
            {
                int a = i * segV + j, b = ((i + 1) % segU) * segV + j, c = ((i + 1) % segU) * segV + (j + 1) % segV, d = i * segV + (j + 1) % segV;
                idx.AddRange(new[] { a, b, c, a, c, d });
            }
        return new Mesh(name, pos, idx.ToArray());
    }
}
