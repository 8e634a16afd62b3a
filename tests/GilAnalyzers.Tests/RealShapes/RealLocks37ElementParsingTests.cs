using Xunit;
using Verify002 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SynchronizedCpuMethodAnalyzer>;

namespace GilAnalyzers.Tests.RealShapes;

/// <summary>
/// A stream parsed byte by byte: <c>while ((b = input.ReadByte()) != -1) parser.Feed((char)b);</c>. The stream hands each
/// byte out of its buffer, so the loop is the parser's work, not waiting; a loop that only keeps the bytes stays I/O.
/// </summary>
public class RealLocks37ElementParsingTests
{
    private const string Reader = """
        using System.Collections.Generic;
        using System.IO;
        using System.Runtime.CompilerServices;
        using System.Text;

        public sealed class RuleSheetReader
        {
            private readonly StringBuilder _token = new StringBuilder();

            public List<string> Rules { get; } = new List<string>();

            public void Feed(char c)
            {
                if (c != ';')
                {
                    _token.Append(c);
                    return;
                }

                var end = _token.Length;
                while (end > 0 && char.IsWhiteSpace(_token[end - 1]))
                {
                    end--;
                }

                Rules.Add(_token.ToString(0, end));
                _token.Clear();
            }
        }

        """;

    [Fact]
    public async Task SynchronizedStaticParser_FedByteByByte_IsGil002()
    {
        var source = Reader + """
            public static class RuleSheets
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public static List<string> {|#0:Parse|}(Stream input)
                {
                    var reader = new RuleSheetReader();
                    int b;
                    while ((b = input.ReadByte()) != -1)
                    {
                        reader.Feed((char)b);
                    }

                    return reader.Rules;
                }
            }
            """;
        await Verify002.VerifyAnalyzerAsync(source,
            Verify002.Diagnostic(Descriptors.SynchronizedCpuMethod).WithLocation(0)
                .WithArguments("Parse", "calls 'Feed' (while loop)", "the type 'RuleSheets'"));
    }

    [Fact]
    public async Task SynchronizedStaticCopy_ByteByByte_StaysIo()
    {
        var source = Reader + """
            public static class RuleSheets
            {
                [MethodImpl(MethodImplOptions.Synchronized)]
                public static List<byte> Slurp(Stream input)
                {
                    var bytes = new List<byte>();
                    int b;
                    while ((b = input.ReadByte()) != -1)
                    {
                        bytes.Add((byte)b);
                    }

                    return bytes;
                }
            }
            """;
        await Verify002.VerifyAnalyzerAsync(source);
    }
}
