using System.Linq;
using GilAnalyzers.CodeFixes;
using GilAnalyzers.Tests.Verifiers;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer, GilAnalyzers.CodeFixes.SharedLockAroundCpuWorkFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// One-slot <c>SemaphoreSlim</c> gates written the way async code writes them: <c>await gate.WaitAsync(ct)</c>,
/// <c>await gate.WaitAsync().ConfigureAwait(false)</c>, <c>gate.Wait(ct)</c>, then <c>try { … } finally { gate.Release(); }</c>.
/// The acquiring statement stays as written; what moves out runs before it. When the token is cancelled, the same
/// <c>OperationCanceledException</c> follows, after work that touched nothing shared (as with a timeout guard).
/// </summary>
public class CancellableGateFixerTests
{
    private const string Usings = "using System;\nusing System.Collections.Generic;\nusing System.Threading;\nusing System.Threading.Tasks;\n";

    private static string Program(string body) => Usings + """
        class Sweep
        {
            static readonly SemaphoreSlim Slot = new SemaphoreSlim(1, 1);
            static readonly List<double> Results = new List<double>();

            static double Integrate(int i)
            {
                double s = 0;
                for (int k = 1; k < 20000; k++) s += Math.Sin(i * 0.001 * k) / k;
                return s;
            }

            static async Task RunAsync(int n, CancellationToken ct)
            {
                var tasks = new List<Task>();
                for (int j = 0; j < n; j++)
                {
                    int i = j;
                    tasks.Add(Task.Run(async () =>
                    {
        """ + "\n" + body + "\n" + """
                    }));
                }
                await Task.WhenAll(tasks);
            }
        }
        """;

    [Theory]
    [InlineData("await {|GIL001:Slot.WaitAsync(ct)|};", "await Slot.WaitAsync(ct);")]
    [InlineData("await {|GIL001:Slot.WaitAsync()|}.ConfigureAwait(false);", "await Slot.WaitAsync().ConfigureAwait(false);")]
    [InlineData("await {|GIL001:Slot.WaitAsync(ct)|}.ConfigureAwait(false);", "await Slot.WaitAsync(ct).ConfigureAwait(false);")]
    [InlineData("{|GIL001:Slot.Wait(ct)|};", "Slot.Wait(ct);")]
    public async Task GateWithTokenOrConfigureAwait_ComputationMovesInFrontOfTheAcquire(string acquire, string acquireAfter)
    {
        var source = Program("""
                            
            """ + acquire + """

                            try
                            {
                                var value = Integrate(i);
                                Results.Add(value);
                            }
                            finally
                            {
                                Slot.Release();
                            }
            """);
        var fixedSource = Program("""
                            var value = Integrate(i);
                            
            """ + acquireAfter + """

                            try
                            {
                                Results.Add(value);
                            }
                            finally
                            {
                                Slot.Release();
                            }
            """);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    private static string Renderer(string body) => Usings + """
        class Renderer
        {
            private static readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

            public static async Task<string[]> RenderAllAsync(string[][] jobs, CancellationToken ct)
            {
                var tasks = new List<Task<string>>();
                foreach (var parts in jobs)
                {
                    tasks.Add(Task.Run(async () =>
                    {
        """ + "\n" + body + "\n" + """
                    }));
                }
                return await Task.WhenAll(tasks);
            }
        }
        """;

    [Fact]
    public async Task GateAroundOnlyLocalWork_WithAnotherAwait_GateDropped()
    {
        var source = Renderer("""
                            await Task.Yield();
                            await {|GIL001:_gate.WaitAsync(ct)|};
                            try
                            {
                                var text = new System.Text.StringBuilder();
                                for (int i = 0; i < parts.Length; i++)
                                    for (int r = 0; r < 200; r++)
                                        text.Append(parts[i].ToUpperInvariant());
                                return text.ToString();
                            }
                            finally
                            {
                                _gate.Release();
                            }
            """);
        var fixedSource = Renderer("""
                            await Task.Yield();
                            ct.ThrowIfCancellationRequested();
                            var text = new System.Text.StringBuilder();
                            for (int i = 0; i < parts.Length; i++)
                                for (int r = 0; r < 200; r++)
                                    text.Append(parts[i].ToUpperInvariant());
                            return text.ToString();
            """);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task FixAll_TwoCancellableGatesInOneBody()
    {
        var source = Program("""
                            await {|GIL001:Slot.WaitAsync(ct)|}.ConfigureAwait(false);
                            try
                            {
                                var first = Integrate(i);
                                Results.Add(first);
                            }
                            finally
                            {
                                Slot.Release();
                            }
                            {|GIL001:Slot.Wait(ct)|};
                            try
                            {
                                var second = Integrate(i + 1);
                                Results.Add(second);
                            }
                            finally
                            {
                                Slot.Release();
                            }
            """);
        var fixedSource = Program("""
                            var first = Integrate(i);
                            await Slot.WaitAsync(ct).ConfigureAwait(false);
                            try
                            {
                                Results.Add(first);
                            }
                            finally
                            {
                                Slot.Release();
                            }
                            var second = Integrate(i + 1);
                            Slot.Wait(ct);
                            try
                            {
                                Results.Add(second);
                            }
                            finally
                            {
                                Slot.Release();
                            }
            """);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task GateDropped_TokenFromAMemberPath_ThrowsWhereTheWaitWas()
    {
        var source = Renderer("""
                            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                            await Task.Yield();
                            {|GIL001:_gate.Wait(cts.Token)|};
                            try
                            {
                                var text = new System.Text.StringBuilder();
                                for (int i = 0; i < parts.Length; i++)
                                    for (int r = 0; r < 200; r++)
                                        text.Append(parts[i].ToUpperInvariant());
                                return text.ToString();
                            }
                            finally
                            {
                                _gate.Release();
                            }
            """);
        var fixedSource = Renderer("""
                            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                            await Task.Yield();
                            cts.Token.ThrowIfCancellationRequested();
                            var text = new System.Text.StringBuilder();
                            for (int i = 0; i < parts.Length; i++)
                                for (int r = 0; r < 200; r++)
                                    text.Append(parts[i].ToUpperInvariant());
                            return text.ToString();
            """);
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, SharedLockAroundCpuWorkFixer.MoveOutOfLockKey);
    }

    [Fact]
    public async Task GateDropped_TokenFromACall_NotDropped()
    {
        // The token expression would run again at the new ThrowIfCancellationRequested: only names and member paths are repeated.
        var source = Renderer("""
                            await Task.Yield();
                            _gate.Wait(Next(ct));
                            try
                            {
                                var text = new System.Text.StringBuilder();
                                for (int i = 0; i < parts.Length; i++)
                                    for (int r = 0; r < 200; r++)
                                        text.Append(parts[i].ToUpperInvariant());
                                return text.ToString();
                            }
                            finally
                            {
                                _gate.Release();
                            }
            """).Replace("class Renderer\n{", "class Renderer\n{\n    static CancellationToken Next(CancellationToken t) => t;", System.StringComparison.Ordinal);
        var offers = await CodeFixOffers.ForAsync(source);
        Assert.Equal("GIL001", offers.Single().Id);
        Assert.DoesNotContain(SharedLockAroundCpuWorkFixer.MoveOutOfLockKey, offers.Single().Keys);
    }
}
