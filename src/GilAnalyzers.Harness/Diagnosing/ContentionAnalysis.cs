using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace GilAnalyzers.Harness.Diagnosing;

/// <summary>A place in the user's code where threads waited for a lock.</summary>
public sealed class ContentionSite
{
    public string? File { get; set; }

    public int? Line { get; set; }

    public string Method { get; set; } = "";

    public long Count { get; set; }

    public double WaitMs { get; set; }

    /// <summary>When the lock was taken inside a library method the user's code called (no lock statement of its own here): that method's name.</summary>
    public string? Via { get; set; }

    /// <summary>"GIL001 at Program.cs:30" when a diagnostic covers the site; null when none does.</summary>
    public string? Diagnostic { get; set; }

    public string? FixAvailable { get; set; }

    internal string? FullPath { get; set; }
}

/// <summary>Reads a .nettrace with TraceEvent's TraceLog and groups contention events by the first user-code frame of their stack.</summary>
public static class ContentionAnalysis
{
    public sealed record Result(List<ContentionSite> Sites, long Events, long EventsWithoutUserFrame);

    public static Result Analyze(string nettracePath, Func<string, string> displayName)
    {
        string etlx = Path.ChangeExtension(nettracePath, ".etlx");
        TraceLog.CreateFromEventPipeDataFile(nettracePath, etlx, new TraceLogOptions { ContinueOnError = true });
        using var log = new TraceLog(etlx);
        using var pdbs = new PdbCache();
        using var calls = new CallSites();
        var sites = new Dictionary<string, ContentionSite>(StringComparer.Ordinal);
        var pending = new Dictionary<int, (ContentionSite? Site, double StartMs)>();
        long events = 0, orphans = 0;
        foreach (TraceEvent ev in log.Events)
        {
            if (ev is ContentionStartTraceData)
            {
                events++;
                ContentionSite? site = SiteOf(ev.CallStack(), pdbs, calls, sites, displayName);
                if (site is null)
                {
                    orphans++;
                }
                else
                {
                    site.Count++;
                }

                pending[ev.ThreadID] = (site, ev.TimeStampRelativeMSec);
            }
            else if (ev is ContentionStopTraceData stop && pending.Remove(ev.ThreadID, out var start))
            {
                if (start.Site is { } s)
                {
                    double durationNs = stop.DurationNs;
                    s.WaitMs += durationNs > 0 ? durationNs / 1e6 : Math.Max(0, ev.TimeStampRelativeMSec - start.StartMs);
                }
            }
        }

        foreach (ContentionSite s in sites.Values)
        {
            s.WaitMs = Math.Round(s.WaitMs, 3);
        }

        return new Result(sites.Values.OrderByDescending(s => s.WaitMs).ThenByDescending(s => s.Count).ToList(), events, orphans);
    }

    private static ContentionSite? SiteOf(TraceCallStack? stack, PdbCache pdbs, CallSites calls, Dictionary<string, ContentionSite> sites, Func<string, string> displayName)
    {
        string? callee = null;
        for (TraceCallStack? frame = stack; frame is not null; frame = frame.Caller)
        {
            TraceCodeAddress address = frame.CodeAddress;
            TraceMethod? method = address.Method;
            if (method is null || string.IsNullOrEmpty(method.FullMethodName) || IsFramework(method.FullMethodName))
            {
                callee = method is null || string.IsNullOrEmpty(method.FullMethodName) ? callee : MethodNameOnly(method.FullMethodName);
                continue;
            }

            string modulePath = address.ModuleFilePath ?? "";
            string methodName = ShortName(method.FullMethodName);
            int? lockCall = calls.LockCall(modulePath, method.MethodToken, address.ILOffset, callee)
                ?? (calls.IsSynchronized(modulePath, method.MethodToken) ? 0 : null);
            int ilOffset = lockCall ?? address.ILOffset;
            (string File, int Line)? where = pdbs.Resolve(modulePath, method.MethodToken, ilOffset);
            if (where is null && !pdbs.HasPdb(modulePath))
            {
                continue; // a library without symbols is not "user code" we can point at
            }

            string key = where is { } w ? w.File + ":" + w.Line : modulePath + "!" + method.FullMethodName;
            if (!sites.TryGetValue(key, out ContentionSite? site))
            {
                site = new ContentionSite
                {
                    FullPath = where?.File,
                    File = where is { } w2 ? displayName(w2.File) : null,
                    Line = where?.Line,
                    Method = methodName,
                    Via = lockCall is null && callee is not null && !IsLockMethod(callee) ? callee : null,
                };
                sites[key] = site;
            }

            return site;
        }

        return null;
    }

    /// <summary>
    /// The sites no diagnostic covers that matter: at least <paramref name="minShare"/> of the run's total lock wait. A
    /// one-off wait inside the runtime's own machinery (Parallel.For's scheduler, the type loader) reached from a user frame
    /// is not a recall gap of the rules, and listing it would bury the ones that are.
    /// </summary>
    public static List<ContentionSite> Uncovered(IReadOnlyList<ContentionSite> sites, double minShare = 0.01)
    {
        double total = sites.Sum(s => s.WaitMs);
        return sites.Where(s => s.Diagnostic is null && (total <= 0 || s.WaitMs >= minShare * total)).ToList();
    }

    private static bool IsLockMethod(string name) => name is "Enter" or "TryEnter" or "ReliableEnter" or "EnterScope";

    private static string MethodNameOnly(string fullName)
    {
        int paren = fullName.IndexOf('(', StringComparison.Ordinal);
        string name = paren >= 0 ? fullName.Substring(0, paren) : fullName;
        return name.Substring(name.LastIndexOf('.') + 1);
    }

    private static bool IsFramework(string fullName) =>
        fullName.StartsWith("System.", StringComparison.Ordinal)
        || fullName.StartsWith("Microsoft.", StringComparison.Ordinal)
        || fullName.StartsWith("Internal.", StringComparison.Ordinal)
        || fullName.StartsWith("Interop", StringComparison.Ordinal);

    /// <summary>"Shop.Pricing.Sample+&lt;&gt;c.&lt;Run&gt;b__3_0(int32)" → "Sample.&lt;Run&gt;b__3_0".</summary>
    internal static string ShortName(string fullName)
    {
        int paren = fullName.IndexOf('(', StringComparison.Ordinal);
        string name = paren >= 0 ? fullName.Substring(0, paren) : fullName;
        name = name.Replace("+<>c__DisplayClass", "+<>c", StringComparison.Ordinal);
        int lastDot = name.LastIndexOf('.');
        if (lastDot <= 0)
        {
            return name;
        }

        string method = name.Substring(lastDot + 1);
        string type = name.Substring(0, lastDot);
        int plus = type.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            type = type.Substring(0, plus);
        }

        int typeDot = type.LastIndexOf('.');
        return (typeDot >= 0 ? type.Substring(typeDot + 1) : type) + "." + method;
    }

    /// <summary>Portable PDBs next to the modules, opened once each.</summary>
    private sealed class PdbCache : IDisposable
    {
        private readonly Dictionary<string, MetadataReaderProvider?> _providers = new(StringComparer.Ordinal);

        public bool HasPdb(string modulePath) => Provider(modulePath) is not null;

        public (string File, int Line)? Resolve(string modulePath, int methodToken, int ilOffset)
        {
            MetadataReaderProvider? provider = Provider(modulePath);
            if (provider is null || methodToken == 0 || (methodToken >> 24) != 0x06)
            {
                return null;
            }

            try
            {
                MetadataReader reader = provider.GetMetadataReader();
                var handle = MetadataTokens.MethodDefinitionHandle(methodToken & 0xFFFFFF);
                MethodDebugInformation info = reader.GetMethodDebugInformation(handle.ToDebugInformationHandle());
                SequencePoint? best = null;
                foreach (SequencePoint sp in info.GetSequencePoints())
                {
                    if (sp.IsHidden)
                    {
                        continue;
                    }

                    if (best is null || ilOffset < 0 || sp.Offset <= ilOffset)
                    {
                        best = sp;
                    }

                    if (ilOffset >= 0 && sp.Offset > ilOffset)
                    {
                        break;
                    }
                }

                if (best is not { } b)
                {
                    return null;
                }

                string file = reader.GetString(reader.GetDocument(b.Document).Name);
                return (file, b.StartLine);
            }
            catch (BadImageFormatException)
            {
                return null;
            }
        }

        private MetadataReaderProvider? Provider(string modulePath)
        {
            if (_providers.TryGetValue(modulePath, out MetadataReaderProvider? p))
            {
                return p;
            }

            p = null;
            string pdb = Path.ChangeExtension(modulePath, ".pdb");
            if (modulePath.Length > 0 && File.Exists(pdb))
            {
                try
                {
                    p = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(pdb));
                    p.GetMetadataReader();
                }
                catch (BadImageFormatException)
                {
                    p?.Dispose();
                    p = null; // a Windows PDB, not a portable one
                }
            }

            _providers[modulePath] = p;
            return p;
        }

        public void Dispose()
        {
            foreach (MetadataReaderProvider? p in _providers.Values)
            {
                p?.Dispose();
            }
        }
    }
}
