using System;
using System.IO;
using System.Text;

namespace GilAnalyzers.Processes.Hosting;

/// <summary>
/// The worker's <see cref="Console.Out"/>: forwards what user code prints to <see cref="Console.Error"/>, which the
/// pool relays to its own stderr. <see cref="Console.Error"/> is only created when something is printed, so a
/// worker whose work prints nothing does not pay for the console's encoding and writer at start-up (~2–3 ms).
/// </summary>
internal sealed class StandardErrorWriter : TextWriter
{
    public override Encoding Encoding => Console.Error.Encoding;

    public override void Write(char value) => Console.Error.Write(value);

    public override void Write(char[] buffer, int index, int count) => Console.Error.Write(buffer, index, count);

    public override void Write(ReadOnlySpan<char> buffer) => Console.Error.Write(buffer);

    public override void Write(string? value) => Console.Error.Write(value);

    public override void WriteLine() => Console.Error.WriteLine();

    public override void WriteLine(string? value) => Console.Error.WriteLine(value);

    public override void WriteLine(ReadOnlySpan<char> buffer) => Console.Error.WriteLine(buffer);

    public override void Flush() => Console.Error.Flush();
}
