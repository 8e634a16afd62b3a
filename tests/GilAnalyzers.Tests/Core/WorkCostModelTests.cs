using GilAnalyzers.Core;
using GilAnalyzers.Tests.Verifiers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace GilAnalyzers.Tests.Core;

public class WorkCostModelTests
{
    private static async Task<WorkCost> CostOfTarget(string members)
    {
        var source = """
            using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading;
            using System.Threading.Tasks; using System.Security.Cryptography; using System.Text.RegularExpressions;
            class C
            {
            """ + members + "\n}";
        var compilation = await TestCompilation.CreateAsync(source);
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var method = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.Text == "Target");
        var body = (IMethodBodyOperation)model.GetOperation(method)!;
        return WorkCostModel.For(KnownTypes.For(compilation)).Analyze(body.BlockBody ?? (IOperation)body.ExpressionBody!);
    }

    [Theory]
    [InlineData("void Target(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; }", "for loop", 1)]
    [InlineData("void Target(int[] a) { int s = 0; foreach (var x in a) foreach (var y in a) s += x * y; }", "nested loop, 2 levels", 2)]
    [InlineData("void Target(int x) { while (x > 1) x /= 2; }", "while loop", 1)]
    [InlineData("void Target(int[] a) { for (int i = a.Length - 1; i > 0; i--) a[i] = a[i - 1]; }", "for loop", 1)]
    [InlineData("void Target(int[] a) { var s = a.Where(x => x > 0).Select(x => x * 2).Sum(); }", "LINQ pipeline", 1)]
    [InlineData("void Target(byte[] data) { var h = SHA256.HashData(data); }", "SHA256.HashData (hashing/cryptography)", 1)]
    [InlineData("void Target(string s) { var ok = Regex.IsMatch(s, \"a+b\"); }", "Regex.IsMatch (regex)", 1)]
    [InlineData("void Target(int[] a) { Array.Sort(a); }", "Array.Sort (sorting)", 1)]
    [InlineData("void Target(int[][] rows) { foreach (var r in rows) Array.Sort(r); }", "Array.Sort (sorting)", 2)]
    [InlineData("int Target(int n) => n < 2 ? n : Target(n - 1) + Target(n - 2);", "recursion in 'Target'", 2)]
    [InlineData("void Target(int n) { Heavy(n); } static void Heavy(int n) { for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) { } }", "calls 'Heavy' (nested loop, 2 levels)", 2)]
    [InlineData("void Target(int n) { for (int i = 0; i < n; i++) Step(i); } static int Step(int i) { int s = 0; for (int k = 0; k < i; k++) s += k; return s; }", "calls 'Step' (for loop)", 2)]
    [InlineData("void Target(int n) { int Local(int m) { int s = 0; for (int i = 0; i < m; i++) s += i; return s; } Local(n); }", "calls 'Local' (for loop)", 1)]
    // Fields that look constant but are not: written elsewhere, or written by code out of sight (internal, not readonly).
    [InlineData("static int rows = 4; static int[,] m = new int[4, 4]; void Target() { for (int i = 0; i < rows; i++) for (int j = 0; j < rows; j++) m[i, j]++; } void Resize(int n) { rows = n; }", "nested loop, 2 levels", 2)]
    [InlineData("internal static int Rows = 4; static int[,] m = new int[4, 4]; void Target() { for (int i = 0; i < Rows; i++) for (int j = 0; j < Rows; j++) m[i, j]++; }", "nested loop, 2 levels", 2)]
    [InlineData("static int rows = 4; static int[,] m = new int[4, 4]; void Target() { for (int i = 0; i < rows; i++) for (int j = 0; j < rows; j++) m[i, j]++; } void Grow() { C.rows++; }", "nested loop, 2 levels", 2)]
    [InlineData("private readonly int size = 1000; void Target(int[] a) { for (int i = 0; i < size; i++) a[i % a.Length]++; }", "for loop", 1)]
    public async Task CpuBound(string members, string reason, int strength)
    {
        var cost = await CostOfTarget(members);
        Assert.Equal(WorkKind.CpuBound, cost.Kind);
        Assert.Equal(reason, cost.Reason);
        Assert.Equal(strength, cost.Strength);
    }

    [Theory]
    [InlineData("void Target(int[] a) { for (int i = 0; i < 8; i++) a[i]++; foreach (var d in new[] { 1, 2, 3 }) a[0] += d; }")]
    [InlineData("int total; void Target(int x) { total += x; }")]
    [InlineData("void Target(List<int> list, int x) { list.Add(x); }")]
    [InlineData("void Target(int n) { Light(n); } static int Light(int n) => n * 2;")]
    [InlineData("static int rows = 4; static int[,] m = new int[4, 4]; void Target() { for (int i = 0; i < rows; i++) for (int j = 0; j < rows; j++) m[i, j]++; }")]
    [InlineData("private readonly int size = 3; int[] a = new int[3]; C(int extra) { a[0] = extra; } void Target() { for (int i = 0; i < this.size; i++) a[i]++; }")]
    public async Task Light(string members)
    {
        var cost = await CostOfTarget(members);
        Assert.Equal(WorkKind.Light, cost.Kind);
    }

    [Theory]
    [InlineData("void Target(string[] lines) { foreach (var l in lines) Console.WriteLine(l); }", "Console.WriteLine")]
    [InlineData("void Target(TextWriter w, string[] lines) { foreach (var l in lines) w.WriteLine(l); }", "TextWriter.WriteLine")]
    [InlineData("void Target(string p) { var t = File.ReadAllText(p); for (int i = 0; i < t.Length; i++) { } }", "File.ReadAllText")]
    [InlineData("void Target() { Thread.Sleep(10); }", "Thread.Sleep")]
    [InlineData("async Task Target(int n) { for (int i = 0; i < n; i++) await Task.Yield(); }", "await")]
    [InlineData("void Target(string p) { Save(p); } static void Save(string p) => File.WriteAllText(p, \"x\");", "calls 'Save' (File.WriteAllText)")]
    public async Task IoBound(string members, string reason)
    {
        var cost = await CostOfTarget(members);
        Assert.Equal(WorkKind.IoBound, cost.Kind);
        Assert.Equal(reason, cost.Reason);
    }

    [Fact]
    public async Task MemoryStreamAndStringWriterAreNotIo()
    {
        var cost = await CostOfTarget("void Target(int n) { var m = new MemoryStream(); var w = new StringWriter(); for (int i = 0; i < n; i++) { m.WriteByte(1); w.Write(i); } }");
        Assert.Equal(WorkKind.CpuBound, cost.Kind);
    }

    [Fact]
    public async Task UnseenVirtualCallIsUnknown()
    {
        var cost = await CostOfTarget("interface IWork { void Do(); } void Target(IWork w) { w.Do(); }");
        Assert.Equal(WorkKind.Unknown, cost.Kind);
    }

    [Fact]
    public async Task MutualRecursionTerminates()
    {
        var cost = await CostOfTarget("void Target(int n) { A(n); } static int A(int n) => n <= 0 ? 0 : B(n - 1); static int B(int n) => A(n);");
        Assert.Equal(WorkKind.CpuBound, cost.Kind);
        Assert.Equal("calls 'A' → 'B' (recursion in 'A')", cost.Reason);
    }
}
