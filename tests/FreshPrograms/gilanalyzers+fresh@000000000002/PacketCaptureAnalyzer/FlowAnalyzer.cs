using System.Collections.Concurrent;

namespace PacketCaptureAnalyzer;

public sealed record FlowSummary(string Capture, (uint, uint, ushort, ushort, byte) Key, int Packets, long Bytes, double PayloadEntropy);

/// <summary>Per-flow statistics; flags flows whose payload prefix looks encrypted or compressed on a plaintext port.</summary>
public sealed class FlowAnalyzer(BlockingCollection<string> alerts)
{
    private readonly Lock _statsLock = new();
    private readonly List<FlowSummary> _summaries = new();
    private readonly int[] _histogram = new int[256];

    public int FlowCount
    {
        get
        {
            lock (_statsLock) return _summaries.Count;
        }
    }

    public void Analyze(string capture, Dictionary<(uint, uint, ushort, ushort, byte), List<Packet>> flows)
    {
        foreach (var (key, packets) in flows)
        {
            FlowSummary summary;
            using (_statsLock.EnterScope())
            {
                // _histogram is reused between flows to avoid allocating 256 ints per flow
                Array.Clear(_histogram);
                long bytes = 0;
                int total = 0;
                foreach (var p in packets)
                {
                    bytes += p.Length;
                    foreach (byte b in p.PayloadHead)
                    {
                        _histogram[b]++;
                        total++;
                    }
                }

                double entropy = 0;
                for (int i = 0; i < _histogram.Length; i++)
                {
                    if (_histogram[i] == 0) continue;
                    double pr = (double)_histogram[i] / total;
                    entropy -= pr * Math.Log2(pr);
                }

                summary = new FlowSummary(capture, key, packets.Count, bytes, entropy);
                _summaries.Add(summary);
            }

            if (key.Item4 == 80 && summary.PayloadEntropy > 4.5)
            {
                alerts.Add($"{capture}: high-entropy payload on port 80 from {key.Item1} ({summary.PayloadEntropy:F2} bits)");
            }
        }
    }
}
