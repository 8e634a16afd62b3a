using GilAnalyzers.CodeFixes;
using Xunit;
using VerifyCS = GilAnalyzers.Tests.Verifiers.CSharpCodeFixVerifier<GilAnalyzers.Rules.HandRolledPoolFanOutAnalyzer, GilAnalyzers.CodeFixes.HandRolledPoolFanOutFixer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL004 on task chunks counted by a mutable field (<c>static int rows</c>): Parallel.For reads the count once, as the
/// creation loop did, when the tasks' work never writes the field; a count the work writes keeps the tasks.
/// </summary>
public class TaskCountFieldTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks;\n";

    [Fact]
    public async Task StaticFieldCountTheWorkDoesNotWrite_ParallelFor()
    {
        var source = Usings + """
            class Product
            {
                static int rows = 300;
                static int[,] a = new int[300, 300], b = new int[300, 300], c = new int[300, 300];

                static void Row(int r)
                {
                    for (int j = 0; j < rows; j++)
                    {
                        int sum = 0;
                        for (int k = 0; k < rows; k++) sum += a[r, k] * b[k, j];
                        c[r, j] = sum;
                    }
                }

                static void Multiply()
                {
                    Task[] tasks = new Task[rows];
                    for (int i = 0; i < rows; i++)
                    {
                        var task = {|GIL004:new Task(state =>
                        {
                            int row = (int)state;
                            Row(row);
                        }, i)|};
                        tasks[i] = task;
                        task.Start();
                    }
                    Task.WaitAll(tasks);
                }
            }
            """;
        var fixedSource = Usings + """
            class Product
            {
                static int rows = 300;
                static int[,] a = new int[300, 300], b = new int[300, 300], c = new int[300, 300];

                static void Row(int r)
                {
                    for (int j = 0; j < rows; j++)
                    {
                        int sum = 0;
                        for (int k = 0; k < rows; k++) sum += a[r, k] * b[k, j];
                        c[r, j] = sum;
                    }
                }

                static void Multiply()
                {
                    Parallel.For(0, rows, i =>
                    {
                        object state = i;
                        int row = (int)state;
                        Row(row);
                    });
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, fixedSource, HandRolledPoolFanOutFixer.ParallelForKey);
    }

    [Fact]
    public async Task StaticFieldCountTheWorkWrites_NoFix()
    {
        var source = Usings + """
            class Product
            {
                static int rows = 300;
                static int[,] a = new int[300, 300], c = new int[300, 300];

                static void Row(int r)
                {
                    for (int j = 0; j < 300; j++)
                    {
                        int sum = 0;
                        for (int k = 0; k < 300; k++) sum += a[r, k] * a[k, j];
                        c[r, j] = sum;
                    }
                    if (r == 0) rows = 299;
                }

                static void Multiply()
                {
                    Task[] tasks = new Task[rows];
                    for (int i = 0; i < rows; i++)
                    {
                        var task = [|new Task(state => Row((int)state), i)|];
                        tasks[i] = task;
                        task.Start();
                    }
                    Task.WaitAll(tasks);
                }
            }
            """;
        await VerifyCS.VerifyCodeFixAsync(source, source);
    }
}
