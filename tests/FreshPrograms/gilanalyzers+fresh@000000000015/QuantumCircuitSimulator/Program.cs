using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace QuantumCircuitSimulator;

public enum GateKind { H, X, Rz, Cnot, Cz }

public readonly record struct Gate(GateKind Kind, int Target, int Control = -1, double Angle = 0);

public sealed record Circuit(int Id, int Qubits, IReadOnlyList<Gate> Gates);

public sealed class StateVector
{
    private readonly Complex[] _amp;
    public int Qubits { get; }

    public StateVector(int qubits) { Qubits = qubits; _amp = new Complex[1 << qubits]; Reset(); }

    public void Reset() { Array.Clear(_amp); _amp[0] = Complex.One; }

    public double Probability(int basis) => _amp[basis].Magnitude * _amp[basis].Magnitude;

    public void Apply(Gate g)
    {
        int t = 1 << g.Target, c = g.Control >= 0 ? 1 << g.Control : 0;
        switch (g.Kind)
        {
            case GateKind.H:
                double s = 1 / Math.Sqrt(2);
                for (int i = 0; i < _amp.Length; i++)
                    if ((i & t) == 0) { var a = _amp[i]; var b = _amp[i | t]; _amp[i] = s * (a + b); _amp[i | t] = s * (a - b); }
                break;
            case GateKind.X:
                for (int i = 0; i < _amp.Length; i++)
                    if ((i & t) == 0) (_amp[i], _amp[i | t]) = (_amp[i | t], _amp[i]);
                break;
            case GateKind.Rz:
                var p0 = Complex.FromPolarCoordinates(1, -g.Angle / 2); var p1 = Complex.FromPolarCoordinates(1, g.Angle / 2);
                for (int i = 0; i < _amp.Length; i++) _amp[i] *= (i & t) == 0 ? p0 : p1;
                break;
            case GateKind.Cnot:
                for (int i = 0; i < _amp.Length; i++)
                    if ((i & c) != 0 && (i & t) == 0) (_amp[i], _amp[i | t]) = (_amp[i | t], _amp[i]);
                break;
            case GateKind.Cz:
                for (int i = 0; i < _amp.Length; i++)
                    if ((i & c) != 0 && (i & t) != 0) _amp[i] = -_amp[i];
                break;
        }
    }

    // Grover step for one marked item: oracle phase flip, then inversion about the mean.
    public void GroverIteration(int marked)
    {
        _amp[marked] = -_amp[marked];
        Complex mean = Complex.Zero;
        foreach (var a in _amp) mean += a;
        mean /= _amp.Length;
        for (int i = 0; i < _amp.Length; i++) _amp[i] = 2 * mean - _amp[i];
    }

    public void Uniform() { double v = 1 / Math.Sqrt(_amp.Length); for (int i = 0; i < _amp.Length; i++) _amp[i] = v; }
}

public static class Program
{
    public static void Main()
    {
        const int qubits = 13;
        var circuits = Enumerable.Range(0, 40).Select(id => RandomCircuit(id, qubits, depth: 30)).ToArray();

        // Random-circuit benchmarking: heavy-output fraction and return probability, with a progress line.
        int completed = 0;
        using var allDone = new ManualResetEventSlim(false);
        var progress = new Thread(() =>
        {
            while (!allDone.Wait(250)) Console.Error.WriteLine($"  {Volatile.Read(ref completed)}/{circuits.Length} circuits");
        }) { IsBackground = true, Name = "progress" };
        progress.Start();

        var heavy = new double[circuits.Length];
        var simLock = new object();
        var workspace = new StateVector(qubits);
        Parallel.ForEach(circuits, circuit =>
        {
            lock (simLock)
            {
                workspace.Reset();
                foreach (var g in circuit.Gates) workspace.Apply(g);
                var probs = Enumerable.Range(0, 1 << qubits).Select(workspace.Probability).ToArray();
                double median = probs.OrderBy(p => p).ElementAt(probs.Length / 2);
                heavy[circuit.Id] = probs.Where(p => p > median).Sum();
            }
            Interlocked.Increment(ref completed);
        });
        allDone.Set();
        progress.Join();
        Console.WriteLine($"heavy-output probability: mean {heavy.Average():F4} (ideal Porter-Thomas ~0.85)");

        // Grover success probability for every marked item of a 10-qubit search, four worker threads.
        const int searchQubits = 10;
        int items = 1 << searchQubits, iterations = (int)Math.Floor(Math.PI / 4 * Math.Sqrt(items));
        var success = new double[items];
        var workers = new List<Thread>();
        for (int w = 0; w < 4; w++)
        {
            int first = w * items / 4, last = (w + 1) * items / 4;
            var worker = new Thread(() =>
            {
                var sv = new StateVector(searchQubits);
                for (int marked = first; marked < last; marked++)
                {
                    sv.Uniform();
                    for (int k = 0; k < iterations; k++) sv.GroverIteration(marked);
                    success[marked] = sv.Probability(marked);
                }
            });
            workers.Add(worker);
            worker.Start();
        }
        foreach (var worker in workers) worker.Join();
        Console.WriteLine($"Grover, {iterations} iterations: success min {success.Min():F6}, max {success.Max():F6}");

        // Phase-estimation style diagonal on a 20-qubit register, block-parallel over disjoint amplitudes.
        var big = new Complex[1 << 20];
        double theta = 2 * Math.PI * 0.3183;
        Parallel.For(0, 64, block =>
        {
            int size = big.Length / 64;
            for (int i = block * size; i < (block + 1) * size; i++)
                big[i] = Complex.FromPolarCoordinates(1 / Math.Sqrt(big.Length), theta * (i & 1023));
        });
        Console.WriteLine($"norm of register: {Math.Sqrt(big.Sum(a => a.Magnitude * a.Magnitude)):F6}");
    }

    private static Circuit RandomCircuit(int id, int qubits, int depth)
    {
        var rng = new Random(id);
        var gates = new List<Gate>();
        for (int layer = 0; layer < depth; layer++)
        {
            for (int q = 0; q < qubits; q++)
                gates.Add(rng.Next(3) == 0 ? new Gate(GateKind.H, q) : new Gate(GateKind.Rz, q, Angle: rng.NextDouble() * Math.PI));
            for (int q = layer % 2; q + 1 < qubits; q += 2)
                gates.Add(new Gate(rng.Next(2) == 0 ? GateKind.Cnot : GateKind.Cz, q + 1, q));
        }
        return new Circuit(id, qubits, gates);
    }
}
