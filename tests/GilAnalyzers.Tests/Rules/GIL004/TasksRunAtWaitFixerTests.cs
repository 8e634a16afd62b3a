using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004's run-at-the-wait rewrite: cold tasks (<c>new Task(work)</c>, started by hand) kept in a local array or list
/// whose making code does more than a partition loop keeps. The code stays; the tasks become Actions, the starts go, and
/// Parallel.ForEach runs them where they were first waited for.
/// </summary>
public class TasksRunAtWaitFixerTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task NestedLoopsInRounds_FieldSetUpBeforeEachTask_WaitAll()
    {
        var source = Usings + """
            class Cell
            {
                public double[] Row = new double[0], Input = new double[0];
                public double Acc;
                public void Step() { for (int k = 0; k < Input.Length; k++) Acc += Input[k] * Row[k % Row.Length]; }
            }

            class Rounds
            {
                static void Run(Cell[,] cells, int side)
                {
                    for (var round = 0; round < side; round++)
                    {
                        var tasks = new Task[side * side];
                        for (var r = 0; r < side; r++)
                        {
                            var shifted = cells[r, (r + round) % side].Row;
                            for (var c = 0; c < side; c++)
                            {
                                var cell = cells[r, c];
                                cell.Input = shifted;
                                var task = {|GIL004:new Task(() => cell.Step())|};
                                task.Start();
                                tasks[r * side + c] = task;
                            }
                        }
                        Task.WaitAll(tasks);
                    }
                }
            }
            """;
        var fixedSource = Usings + """
            class Cell
            {
                public double[] Row = new double[0], Input = new double[0];
                public double Acc;
                public void Step() { for (int k = 0; k < Input.Length; k++) Acc += Input[k] * Row[k % Row.Length]; }
            }

            class Rounds
            {
                static void Run(Cell[,] cells, int side)
                {
                    for (var round = 0; round < side; round++)
                    {
                        var tasks = new Action[side * side];
                        for (var r = 0; r < side; r++)
                        {
                            var shifted = cells[r, (r + round) % side].Row;
                            for (var c = 0; c < side; c++)
                            {
                                var cell = cells[r, c];
                                cell.Input = shifted;
                                var task = new Action(() => cell.Step());
                                tasks[r * side + c] = task;
                            }
                        }
                        Parallel.ForEach(tasks, work => work());
                    }
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachAtWaitKey);
    }

    [Fact]
    public async Task FixAll_ListOfTasksWaitedOneByOne_AndAnArray()
    {
        var source = Usings + """
            class Scores
            {
                static long Weigh(int x) { long w = 0; for (int k = 0; k < x * 1000; k++) w += k % 13; return w; }

                static long Listed(int parts)
                {
                    var slots = new long[parts];
                    var labels = new List<string>();
                    var pending = new List<Task>();
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        labels.Add("part " + part);
                        var t = {|GIL004:new Task(() => slots[part] = Weigh(part))|};
                        pending.Add(t);
                        t.Start();
                    }

                    foreach (var t in pending) t.Wait();
                    return slots[0] + labels.Count;
                }

                static long Arrayed(int parts)
                {
                    var slots = new long[parts];
                    var labels = new List<string>();
                    var pending = new Task[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        labels.Add("part " + part);
                        pending[p] = {|GIL004:new Task(() => slots[part] = Weigh(part))|};
                        pending[p].Start();
                    }

                    Task.WaitAll(pending);
                    return slots[0] + labels.Count;
                }
            }
            """;
        var fixedSource = Usings + """
            class Scores
            {
                static long Weigh(int x) { long w = 0; for (int k = 0; k < x * 1000; k++) w += k % 13; return w; }

                static long Listed(int parts)
                {
                    var slots = new long[parts];
                    var labels = new List<string>();
                    var pending = new List<Action>();
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        labels.Add("part " + part);
                        var t = new Action(() => slots[part] = Weigh(part));
                        pending.Add(t);
                    }

                    Parallel.ForEach(pending, work => work());
                    return slots[0] + labels.Count;
                }

                static long Arrayed(int parts)
                {
                    var slots = new long[parts];
                    var labels = new List<string>();
                    var pending = new Action[parts];
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        labels.Add("part " + part);
                        pending[p] = new Action(() => slots[part] = Weigh(part));
                    }

                    Parallel.ForEach(pending, work => work());
                    return slots[0] + labels.Count;
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForEachAtWaitKey);
    }

    [Fact]
    public async Task ResultReadOrTaskWithState_NoFix()
    {
        const string source = Usings + """
            class Refused
            {
                static long Weigh(int x) { long w = 0; for (int k = 0; k < x * 1000; k++) w += k % 13; return w; }

                static long StatusRead(int parts)
                {
                    var slots = new long[parts];
                    var labels = new List<string>();
                    var pending = new List<Task>();
                    for (int p = 0; p < parts; p++)
                    {
                        int part = p;
                        labels.Add("part " + part);
                        var t = [|new Task(() => slots[part] = Weigh(part))|];
                        pending.Add(t);
                        t.Start();
                    }

                    foreach (var t in pending) t.Wait();
                    Console.WriteLine(pending[0].Status);
                    return slots[0];
                }

                static long WithState(int parts)
                {
                    var slots = new long[parts];
                    var labels = new List<string>();
                    var pending = new List<Task>();
                    for (int p = 0; p < parts; p++)
                    {
                        labels.Add("part " + p);
                        var t = [|new Task(state => slots[(int)state!] = Weigh((int)state!), p)|];
                        pending.Add(t);
                        t.Start();
                    }

                    foreach (var t in pending) t.Wait();
                    return slots[0];
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
        var reasons = await FixRefusals.ReasonsAsync(source.Replace("[|", string.Empty).Replace("|]", string.Empty), DiagnosticIds.HandRolledPoolFanOut);
        Assert.Equal(2, reasons.Count);
        Assert.All(reasons, r => Assert.StartsWith("GIL004-N1", r));
        Assert.Contains("the task collection 'pending' is used for more than keeping, starting and waiting for the tasks ('Console.WriteLine(pending[0].Status);')", reasons[0]);
        Assert.Contains("the task has a state, a cancellation token or options", reasons[1]);
    }
}
