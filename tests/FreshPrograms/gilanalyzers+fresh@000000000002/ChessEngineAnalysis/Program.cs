using System.Diagnostics;

namespace ChessEngineAnalysis;

internal static class Program
{
    private static void Main(string[] args)
    {
        int depth = args.Length > 0 ? int.Parse(args[0]) : 3;
        var position = Board.FromSeed(2024);
        var evaluator = new PositionEvaluator();
        var table = new TranspositionTable();
        var search = new RootSearch(evaluator, table);

        var sw = Stopwatch.StartNew();
        var best = search.FindBestMove(position, depth);
        sw.Stop();

        Console.WriteLine($"best move {best.Move} score {best.Score} ({search.NodesVisited:N0} nodes, {table.Count:N0} tt entries, {sw.ElapsedMilliseconds} ms)");
    }
}
