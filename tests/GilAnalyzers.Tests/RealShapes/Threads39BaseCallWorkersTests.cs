using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.RawThreadsCpuLoopAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// GIL003 on worker threads whose loop sits behind a <c>base.M()</c> call and an interface with one implementation (issue
/// 14, the block-compressor exercise written with a worker base class): the threads run an override that wraps
/// <c>base.Spin()</c> in a try/catch, the base loops over <c>_step.Next()</c>, and the one <c>IStep</c> of the compilation
/// reads a block under a lock, compresses it and writes it under another lock. A <c>base.M()</c> call is bound to the
/// base's body, and an interface call with a single source implementation runs that body, so both are followed when the
/// thread body is weighed, as a plain call is: the compression outweighs the locked reads and writes. The look-alike that
/// copies blocks without compressing them stays quiet.
/// </summary>
public class Threads39BaseCallWorkersTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.IO; using System.IO.Compression; using System.Threading;\n";

    private const string Runner = """
        interface IStep { bool Next(); }

        sealed class PackStep : IStep
        {
            private readonly BinaryReader _input;
            private readonly BinaryWriter _output;
            private readonly object _readGate = new object();
            private readonly object _writeGate = new object();

            public PackStep(BinaryReader input, BinaryWriter output) { _input = input; _output = output; }

            public bool Next()
            {
                byte[] raw;
                lock (_readGate)
                {
                    raw = _input.ReadBytes(1 << 20);
                }

                if (raw.Length == 0) return false;
                var packed = Squeeze(raw);
                lock (_writeGate)
                {
                    _output.Write(packed.Length);
                    _output.Write(packed);
                }

                return true;
            }

            private static byte[] Squeeze(byte[] raw)
            {
                using (var memory = new MemoryStream())
                {
                    using (var gzip = new GZipStream(memory, CompressionLevel.Optimal))
                    {
                        gzip.Write(raw, 0, raw.Length);
                    }

                    return memory.ToArray();
                }
            }
        }

        abstract class LoopRunner
        {
            private readonly IStep _step;

            protected LoopRunner(IStep step) { _step = step; }

            public abstract void Run();

            protected virtual void Spin()
            {
                while (_step.Next())
                {
                }
            }
        }

        sealed class SharedLoopRunner : LoopRunner
        {
            private readonly int _width;
            private Exception _failure;

            public SharedLoopRunner(IStep step, int width) : base(step) { _width = width; }

            public override void Run()
            {
                var helpers = new List<Thread>();
                for (int i = 1; i < _width; i++)
                {
                    helpers.Add({|#0:new Thread(Spin)|});
                }

                foreach (var helper in helpers) helper.Start();
                Spin();
                foreach (var helper in helpers) helper.Join();
                if (_failure != null) throw _failure;
            }

            protected override void Spin()
            {
                try
                {
                    base.Spin();
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, e, null);
                }
            }
        }
        """;

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WorkersRunningABaseLoopOverTheOneCompressingStep_Report(LanguageVersion version)
    {
        await VerifyCS.VerifyAnalyzerAsync(Usings + Runner, version,
            VerifyCS.Diagnostic(DiagnosticIds.RawThreadsCpuLoop).WithLocation(0)
                .WithArguments("'_width - 1'", "calls 'Squeeze' (GZipStream.Write (compression))", "Parallel.For"));
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.Latest)]
    public async Task WorkersRunningABaseLoopOverACopyingStep_AreQuiet(LanguageVersion version)
    {
        var source = Runner
            .Replace("var packed = Squeeze(raw);", "var packed = raw;")
            .Replace("{|#0:new Thread(Spin)|}", "new Thread(Spin)");
        Assert.Contains("var packed = raw;", source);
        await VerifyCS.VerifyAnalyzerAsync(Usings + source, version);
    }
}
