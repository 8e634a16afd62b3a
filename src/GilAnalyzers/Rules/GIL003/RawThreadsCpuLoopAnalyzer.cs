using System.Collections.Generic;
using System.Collections.Immutable;
using GilAnalyzers.Core;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace GilAnalyzers.Rules;

/// <summary>
/// GIL003: two or more <c>Thread</c>s created (directly or by a small helper), started and joined to run CPU-bound work — a hand-made
/// Parallel.For / Parallel.Invoke with static partitions and a thread creation per partition.
/// </summary>
/// <remarks>
/// Cost: one callback per member body (not one per invocation or object creation), and a member whose source text names
/// neither <c>Thread</c> nor <c>Join</c> is left before any operation is looked at — nearly every member of a real code
/// base. Each function holding a thread site is analysed once.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawThreadsCpuLoopAnalyzer : GilAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(Descriptors.RawThreadsCpuLoop);

    private protected override bool HasRequiredTypes(KnownTypes types) => types.Thread is not null;

    private protected override void OnCompilationStart(CompilationStartAnalysisContext context, KnownTypes types)
    {
        var mentions = ThreadMentions.Create();
        context.RegisterOperationBlockAction(c => AnalyzeBlocks(c, types, mentions));
    }

    private static void AnalyzeBlocks(OperationBlockAnalysisContext context, KnownTypes types, TextMentions mentions)
    {
        HashSet<IOperation>? roots = null;
        foreach (var block in context.OperationBlocks)
        {
            if (!mentions.In(block.Syntax))
            {
                continue;
            }

            foreach (var operation in OperationFacts.Descendants(block))
            {
                var isSite = operation switch
                {
                    // The name first: necessary for the type check, and it resolves nothing.
                    IObjectCreationOperation { Type: { Name: "Thread" } } creation => OperationFacts.IsThread(creation.Type, types),
                    IInvocationOperation invocation => ThreadFanOut.IsHelperCandidate(invocation.TargetMethod, types),
                    _ => false,
                };
                if (!isSite)
                {
                    continue;
                }

                // Every thread site of a function asks for the same fan-outs: found once per function.
                var root = OperationFacts.FunctionRoot(operation);
                roots ??= new HashSet<IOperation>();
                if (!roots.Add(root))
                {
                    continue;
                }

                foreach (var fanOut in ThreadFanOut.Find(root, types, WorkCostModel.For(types)))
                {
                    Report(context, fanOut);
                }
            }
        }
    }

    private static void Report(OperationBlockAnalysisContext context, FanOut fanOut)
    {
        var site = fanOut.Launch;
        if (fanOut.Cost.Strength < GilOptions.MinWorkStrength(context.Options, site.Syntax.SyntaxTree))
        {
            return;
        }

        var suggestion = fanOut.Shape == FanOutShape.Explicit ? "Parallel.Invoke" : "Parallel.For";
        context.ReportDiagnostic(Diagnostic.Create(
            Descriptors.RawThreadsCpuLoop,
            site.Syntax.GetLocation(),
            fanOut.Count,
            fanOut.Cost.Reason,
            suggestion));
    }

    /// <summary>
    /// Where a syntax tree's text says <c>Thread</c> or <c>Join</c> (a creation, a thread collection, a join of threads a
    /// helper made), found once per tree by an ordinal search of the text the compiler already holds — no syntax or
    /// semantic work. Comments match too; the operation walk decides.
    /// </summary>
    private static class ThreadMentions
    {
        public static TextMentions Create() => new TextMentions(new[] { "Thread", "Join" }, IsOtherName);

        /// <summary>
        /// Mentions that name something else: string.Join (the commonest Join by far), System.Threading, ThreadPool,
        /// ThreadLocal, ThreadStatic and any other name that only starts with the word. A member that only has these has
        /// no thread fan-out of its own.
        /// </summary>
        private static bool IsOtherName(SourceText text, int at, string word)
        {
            var end = at + word.Length;
            // ThreadFanOut, Threads, ManagedThreadId, JoinAll, Joined: a longer name. (A longer name that ends in the
            // word — CreateThread(…), a helper that returns a thread — still counts.)
            if (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
            {
                return true;
            }

            return word == "Join" && (Preceded(text, at, "string.") || Preceded(text, at, "String."));
        }

        private static bool Preceded(SourceText text, int at, string prefix)
        {
            if (at < prefix.Length)
            {
                return false;
            }

            for (var i = 0; i < prefix.Length; i++)
            {
                if (text[at - prefix.Length + i] != prefix[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
