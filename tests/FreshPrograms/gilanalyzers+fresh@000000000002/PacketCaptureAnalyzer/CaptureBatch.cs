namespace PacketCaptureAnalyzer;

/// <summary>Fans capture files out to the thread pool; the caller blocks until every file is analysed.</summary>
public sealed class CaptureBatch(FlowAnalyzer analyzer)
{
    public void AnalyzeAll(IReadOnlyList<CaptureFile> captures)
    {
        using var remaining = new CountdownEvent(captures.Count);
        foreach (var capture in captures)
        {
            ThreadPool.QueueUserWorkItem(state =>
            {
                try
                {
                    var flows = FlowTable.Build(state.Packets);
                    analyzer.Analyze(state.Name, flows);
                }
                finally
                {
                    remaining.Signal();
                }
            }, capture, preferLocal: false);
        }
        remaining.Wait();
    }
}

public readonly record struct Packet(uint Src, uint Dst, ushort SrcPort, ushort DstPort, byte Proto, int Length, byte[] PayloadHead);

public sealed record CaptureFile(string Name, Packet[] Packets)
{
    public static CaptureFile Synthesize(string name, int packets, int seed)
    {
        const string plainRequest = "GET /index.html HTTP/1.1\r\nHost: ";
        var rng = new Random(seed);
        var list = new Packet[packets];
        for (int i = 0; i < packets; i++)
        {
            var head = new byte[plainRequest.Length];
            if (rng.Next(50) == 0) rng.NextBytes(head);
            else for (int b = 0; b < head.Length; b++) head[b] = (byte)plainRequest[b];
            list[i] = new Packet((uint)rng.Next(1, 40), (uint)rng.Next(100, 110), (ushort)rng.Next(1024, 1100), (ushort)(rng.Next(3) == 0 ? 443 : 80), 6, 60 + rng.Next(1400), head);
        }
        return new CaptureFile(name, list);
    }
}

public static class FlowTable
{
    public static Dictionary<(uint, uint, ushort, ushort, byte), List<Packet>> Build(Packet[] packets)
    {
        var flows = new Dictionary<(uint, uint, ushort, ushort, byte), List<Packet>>();
        foreach (var p in packets)
        {
            var key = (p.Src, p.Dst, p.SrcPort, p.DstPort, p.Proto);
            if (!flows.TryGetValue(key, out var list)) flows[key] = list = new List<Packet>();
            list.Add(p);
        }
        return flows;
    }
}
