using GilAnalyzers.Core;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace GilAnalyzers.Tests.Core;

/// <summary>
/// ParallelContextFinder.MayLaunch is the name-only filter the parallel-callee analyzer runs on every invocation and
/// creation before the full classification (HotDelegates). It must never reject a launch that the classification
/// accepts, or the rule silently loses recall: this checks it on every launch form the analysis knows.
/// </summary>
public class ParallelLaunchFilterTests
{
    private const string Source = """
        using System; using System.Collections.Generic; using System.Linq; using System.Threading; using System.Threading.Tasks;
        class C
        {
            static void Work(int i) { }

            async Task Run(int[] items, int n)
            {
                Parallel.For(0, n, i => Work(i));
                Parallel.For(0, n, Work);
                Parallel.ForEach(items, i => Work(i));
                Parallel.Invoke(() => Work(1), () => Work(2));
                await Parallel.ForEachAsync(items, async (i, ct) => { Work(i); await Task.Yield(); });
                items.AsParallel().ForAll(i => Work(i));
                items.AsParallel().Select(i => i * 2).ToList();
                var tasks = new List<Task>();
                for (int t = 0; t < 4; t++)
                {
                    tasks.Add(Task.Run(() => Work(t)));
                    tasks.Add(Task.Factory.StartNew(() => Work(t)));
                    ThreadPool.QueueUserWorkItem(_ => Work(t));
                    ThreadPool.UnsafeQueueUserWorkItem(_ => Work(t), null);
                    var task = new Task(() => Work(t)); task.Start(); tasks.Add(task);
                    new Thread(() => Work(t)).Start();
                }

                Task.WaitAll(items.Select(i => Task.Run(() => Work(i))).ToArray());
                Work(n);
                Console.WriteLine(items.Sum());
            }
        }
        """;

    [Fact]
    public async Task EveryLaunchWithHotDelegatesPassesTheNameFilter()
    {
        var compilation = await TestCompilation.CreateAsync(Source);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var types = KnownTypes.For(compilation);
        var method = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "Run");
        var body = model.GetOperation(method)!;

        var launches = 0;
        var rejected = 0;
        foreach (var operation in body.DescendantsAndSelf())
        {
            if (operation is not (IInvocationOperation or IObjectCreationOperation))
            {
                continue;
            }

            var hot = ParallelContextFinder.HotDelegates(operation, types).Any();
            var mayLaunch = ParallelContextFinder.MayLaunch(operation);
            if (hot)
            {
                launches++;
                Assert.True(mayLaunch, $"'{operation.Syntax}' has hot delegates but the name filter rejects it");
            }

            if (!mayLaunch)
            {
                rejected++;
            }
        }

        // Parallel.For ×2, ForEach, Invoke, ForEachAsync, ForAll, Select, and in the loop Task.Run, StartNew,
        // QueueUserWorkItem, UnsafeQueueUserWorkItem, new Task, new Thread; Task.Run inside the LINQ lambda.
        Assert.Equal(14, launches);
        // The filter does filter: Work, Console.WriteLine, Sum, ToList, List.Add … are rejected by name.
        Assert.True(rejected >= 10, $"only {rejected} operations rejected");
    }
}
