using GilAnalyzers.Core;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace GilAnalyzers.Tests.Core;

/// <summary>The lock-sharing and parallel-context components on their own.</summary>
public class LockSharingTests
{
    private const string Source = """
        using System; using System.Linq; using System.Threading; using System.Threading.Tasks;
        class Cell { public readonly object Sync = new object(); }
        class C
        {
            static readonly object StaticGate = new object();
            readonly object _gate = new object();
            static readonly Mutex Named = new Mutex(false, "gil");

            void Run(Cell[] cells, int n)
            {
                var captured = new object();
                Parallel.For(0, n, i =>
                {
                    var mine = new object();
                    lock (StaticGate) { }          // 0 ProcessGlobal
                    lock (_gate) { }               // 1 Shared
                    lock (this) { }                // 2 Shared
                    lock (captured) { }            // 3 Shared
                    lock (mine) { }                // 4 PerItem
                    lock (cells[i].Sync) { }       // 5 PerItem
                    lock (cells[i]) { }            // 6 PerItem
                    lock (typeof(C)) { }           // 7 ProcessGlobal
                    lock ("literal") { }           // 8 ProcessGlobal
                    lock (cells[0]) { }            // 9 Shared
                    lock (Pick()) { }              // 10 Unknown
                });
            }

            object Pick() => _gate;
        }
        """;

    [Fact]
    public async Task ClassifiesEachLockInAParallelBody()
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var types = KnownTypes.For(compilation);
        var locks = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LockStatementSyntax>()
            .Select(s => (ILockOperation)model.GetOperation(s)!)
            .ToList();

        var expected = new[]
        {
            LockScope.ProcessGlobal, LockScope.Shared, LockScope.Shared, LockScope.Shared, LockScope.PerItem,
            LockScope.PerItem, LockScope.PerItem, LockScope.ProcessGlobal, LockScope.ProcessGlobal, LockScope.Shared, LockScope.Unknown,
        };
        Assert.Equal(expected.Length, locks.Count);
        for (var i = 0; i < locks.Count; i++)
        {
            var context = ParallelContextFinder.FindEnclosing(locks[i], types);
            Assert.NotNull(context);
            Assert.Equal("a Parallel.For body", context!.Description);
            var identity = LockSharing.Classify(locks[i].LockedValue, context.Region);
            Assert.True(expected[i] == identity.Scope, $"lock #{i} ({identity.Name}): expected {expected[i]}, got {identity.Scope}");
        }
    }

    [Fact]
    public async Task WithoutARegionInstanceLocksAreSharedAndLocalsToo()
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var mine = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LockStatementSyntax>().ElementAt(4);
        var identity = LockSharing.Classify(((ILockOperation)model.GetOperation(mine)!).LockedValue, perWorkerRegion: null);
        Assert.Equal(LockScope.Shared, identity.Scope);
    }
}
