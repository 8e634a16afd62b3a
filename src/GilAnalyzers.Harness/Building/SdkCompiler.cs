using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace GilAnalyzers.Harness.Building;

/// <summary>
/// The C# compiler MSBuild runs (the SDK's `csc.dll`, the one its Csc task would start), loaded into gil-bench's process
/// in an assembly load context of its own and run there on a compiler command line: the same compiler binary as the
/// build's, without a process start, and warm for a second compile. It is reached through csc's public entry
/// (<c>Program.Run</c>) and its analyzer loader (an internal type, made by reflection): a compiler that does not
/// have them is refused, never guessed at, and the caller builds with MSBuild instead.
/// </summary>
public sealed class SdkCompiler
{
    private static readonly ConcurrentDictionary<string, Lazy<(SdkCompiler? Compiler, string? Refused)>> Loaded = new(StringComparer.Ordinal);

    private readonly string _directory;
    private readonly MethodInfo _run;
    private readonly object _analyzerLoader;

    private SdkCompiler(string directory, MethodInfo run, object analyzerLoader)
    {
        _directory = directory;
        _run = run;
        _analyzerLoader = analyzerLoader;
    }

    /// <summary>The compiler in <paramref name="directory"/> (the folder of csc.dll), loaded once per process.</summary>
    public static (SdkCompiler? Compiler, string? Refused) Load(string directory) =>
        Loaded.GetOrAdd(Path.GetFullPath(directory), d => new Lazy<(SdkCompiler?, string?)>(() => LoadCore(d))).Value;

    private static (SdkCompiler? Compiler, string? Refused) LoadCore(string directory)
    {
        string csc = Path.Combine(directory, "csc.dll");
        if (!File.Exists(csc) || !File.Exists(Path.Combine(directory, "Microsoft.CodeAnalysis.dll")))
        {
            return (null, "the SDK's compiler (csc.dll) was not found in " + directory);
        }

        try
        {
            var context = new CompilerLoadContext(directory);
            Assembly compiler = context.LoadFromAssemblyPath(csc);
            Assembly codeAnalysis = context.LoadFromAssemblyPath(Path.Combine(directory, "Microsoft.CodeAnalysis.dll"));
            MethodInfo? run = compiler.GetType("Microsoft.CodeAnalysis.CSharp.CommandLine.Program")?.GetMethod(
                "Run", BindingFlags.Public | BindingFlags.Static, new[] { typeof(string[]), typeof(string), typeof(string), typeof(string), typeof(string), typeof(TextWriter), codeAnalysis.GetType("Microsoft.CodeAnalysis.IAnalyzerAssemblyLoader")! });
            Type? loaderType = codeAnalysis.GetType("Microsoft.CodeAnalysis.AnalyzerAssemblyLoader");
            if (run is null || run.ReturnType != typeof(int) || loaderType is null)
            {
                return (null, "the SDK's compiler has no entry gil-bench can call in-process");
            }

            object loader = Activator.CreateInstance(loaderType, nonPublic: true)!;
            return (new SdkCompiler(directory, run, loader), null);
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or TypeLoadException or MissingMethodException or TargetInvocationException or MemberAccessException or AmbiguousMatchException or ArgumentException)
        {
            return (null, $"the SDK's compiler could not be loaded in-process ({ex.GetType().Name}: {ex.Message})");
        }
    }

    /// <summary>
    /// Loads the compiler's own assemblies from its folder first: gil-bench's process holds another Roslyn, which the
    /// default context would otherwise hand to csc.dll.
    /// </summary>
    private sealed class CompilerLoadContext : AssemblyLoadContext
    {
        private readonly string _directory;

        public CompilerLoadContext(string directory)
            : base("gil-bench csc " + directory, isCollectible: false)
        {
            _directory = directory;
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string path = Path.Combine(_directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }

    /// <summary>
    /// Compiles a command line as MSBuild's Csc task gave it (one argument a line) in <paramref name="workingDirectory"/>,
    /// writing the files it names (/out, /refout, the PDB) as csc does. Returns null, or the compiler's first errors.
    /// </summary>
    public string? Compile(IReadOnlyList<string> commandLine, string workingDirectory, string scratchDirectory)
    {
        // As the Csc task starts csc: /noconfig on the command line, the rest in a response file. /utf8output only sets
        // the console's encoding, and csc refuses it when writing elsewhere than the console.
        Directory.CreateDirectory(scratchDirectory);
        string responseFile = Path.Combine(scratchDirectory, "csc-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".rsp");
        File.WriteAllLines(responseFile, commandLine.Where(a => a is not ("/noconfig" or "/utf8output")));
        var output = new StringWriter();
        int exitCode;
        try
        {
            exitCode = (int)_run.Invoke(null, new object[]
            {
                new[] { "/noconfig", "/nologo", "@" + responseFile }, _directory, workingDirectory, RuntimeEnvironment.GetRuntimeDirectory(), scratchDirectory, output, _analyzerLoader,
            })!;
        }
        catch (TargetInvocationException ex)
        {
            return $"the in-process compiler threw {ex.InnerException?.GetType().Name}: {ex.InnerException?.Message}";
        }
        finally
        {
            File.Delete(responseFile);
        }

        if (exitCode == 0)
        {
            return null;
        }

        string[] errors = output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains(": error ", StringComparison.Ordinal)).Take(3).ToArray();
        return $"the in-process compiler exited with {exitCode}" + (errors.Length > 0 ? ": " + string.Join(" | ", errors) : "");
    }
}
