using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using GilAnalyzers.Harness.Inputs;

namespace GilAnalyzers.Harness.Building;

/// <summary>How AFTER was built: compiled in gil-bench's process, or by MSBuild and why.</summary>
public sealed record AfterBuildPath(bool InProcess, string Note)
{
    public static AfterBuildPath Compiled { get; } =
        new(true, "AFTER compiled in-process by the SDK's compiler (BEFORE compiled the same way matched MSBuild's build byte for byte)");

    public static AfterBuildPath MsBuild(string why) => new(false, "AFTER built by MSBuild: " + why);
}

/// <summary>BEFORE recompiled in-process and compared with MSBuild's build of it: the compiler to use for AFTER, or why not.</summary>
public sealed record BeforeCheck(SdkCompiler? Compiler, IReadOnlyList<string> CommandLine, string? Refused, double ElapsedMs)
{
    /// <summary>What the in-process compile of BEFORE made, equal to MSBuild's output when checked.</summary>
    public BeforeImage? Image { get; init; }

    public static BeforeCheck Refuse(string why, double elapsedMs = 0) => new(null, Array.Empty<string>(), why, elapsedMs);
}

/// <summary>BEFORE's assembly and PDB as compiled in-process, and the output folder of MSBuild's build they must match.</summary>
public sealed record BeforeImage(string OutputDirectory, string FileName, byte[] Image, string PdbFileName, byte[]? Pdb)
{
    /// <summary>Null when MSBuild's output folder holds these very bytes (the PDB when MSBuild wrote one); otherwise what differs.</summary>
    public string? Mismatch()
    {
        string built = Path.Combine(OutputDirectory, FileName);
        if (!File.Exists(built) || !File.ReadAllBytes(built).AsSpan().SequenceEqual(Image))
        {
            return $"BEFORE compiled in-process differs from MSBuild's {FileName} (a build step after the compiler, or another compiler)";
        }

        string builtPdb = Path.Combine(OutputDirectory, PdbFileName);
        if (File.Exists(builtPdb) && (Pdb is null || !File.ReadAllBytes(builtPdb).AsSpan().SequenceEqual(Pdb)))
        {
            return $"BEFORE compiled in-process differs from MSBuild's {PdbFileName}";
        }

        return null;
    }
}

/// <summary>
/// AFTER without a second MSBuild build. The restore step's MSBuild process builds BEFORE for real, and writes the
/// command line that build compiled with, AFTER's own command line (design-time, like an IDE's) and where its compiler
/// is. AFTER is then compiled in gil-bench's process by that same compiler (<see cref="SdkCompiler"/>) only when that is
/// provably what MSBuild would have made:
/// <list type="bullet">
/// <item>BEFORE compiled in-process from the command line of its build is byte for byte the assembly (and PDB) MSBuild
/// put in BEFORE's output folder (<see cref="VerifyBeforeAsync"/>, run while the fixes are made): this project's compile —
/// compiler, options, references, source generators, resources — is reproduced, and no step after the compiler rewrote
/// the assembly;</item>
/// <item>the fixes changed only C# files the project already compiles (no project, props or other file, no new file);</item>
/// <item>AFTER's command line is BEFORE's with BEFORE's folder replaced by AFTER's.</item>
/// </list>
/// AFTER's output folder is then BEFORE's (same references, runtimeconfig and deps) with AFTER's assembly and PDB, as
/// MSBuild's copy to the output folder would make it. Otherwise the caller builds AFTER with MSBuild and reports why.
/// </summary>
public static class InProcessAfterBuild
{
    /// <summary>Arguments naming a file the compiler writes: the check puts MSBuild's own files back afterwards.</summary>
    private static readonly string[] WrittenFileSwitches = { "/out:", "/refout:", "/pdb:", "/doc:", "/errorlog:", "/touchedfiles:" };

    /// <summary>Where the restore step wrote its compiler: the Csc task's targets file, and the tool path and name a project may set.</summary>
    public static string CompilerFile(string commandLineFile) => Path.GetFullPath(commandLineFile) + ".compiler";

    /// <summary>
    /// Waits for BEFORE's MSBuild build, then compiles BEFORE again in-process from the command line that build used,
    /// over BEFORE's intermediate files (MSBuild's are put back afterwards, whatever the outcome), and compares the
    /// result with the assembly and PDB in BEFORE's output folder.
    /// </summary>
    public static async Task<BeforeCheck> VerifyBeforeAsync(Task<BuildResult> beforeBuild, Workbench bench, string commandLineFile)
    {
        string? program = await BuiltProgramAsync(beforeBuild, commandLineFile).ConfigureAwait(false);
        if (program is null)
        {
            return BeforeCheck.Refuse(beforeBuild.IsCanceled ? "stopped" : "BEFORE did not build");
        }

        var clock = Stopwatch.StartNew();
        try
        {
            return await Task.Run(() => Verify(Path.GetDirectoryName(program)!, bench, commandLineFile, clock)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return BeforeCheck.Refuse($"BEFORE could not be compiled in-process ({ex.Message})", clock.Elapsed.TotalMilliseconds);
        }
    }

    private static BeforeCheck Verify(string outputDirectory, Workbench bench, string commandLineFile, Stopwatch clock)
    {
        string builtFile = DotnetBuilder.BuiltCommandLineFile(commandLineFile);
        string[] commandLine = File.Exists(builtFile) ? File.ReadAllLines(builtFile) : Array.Empty<string>();
        if (commandLine.Length == 0)
        {
            return BeforeCheck.Refuse("the restore step gave no command line for BEFORE's compile");
        }

        var (directory, why) = FindCompiler(CompilerFile(commandLineFile));
        if (directory is null)
        {
            return BeforeCheck.Refuse(why!);
        }

        if (commandLine.Any(a => a.StartsWith("/generatedfilesout:", StringComparison.OrdinalIgnoreCase)))
        {
            return BeforeCheck.Refuse("the compile writes its generated sources to files (EmitCompilerGeneratedFiles)");
        }

        var (compiler, refused) = SdkCompiler.Load(directory);
        if (compiler is null)
        {
            return BeforeCheck.Refuse(refused!);
        }

        string? outFile = Written(commandLine, "/out:", bench.BeforeDir);
        if (outFile is null)
        {
            return BeforeCheck.Refuse("the command line names no output (/out)");
        }

        string pdbFile = Written(commandLine, "/pdb:", bench.BeforeDir) ?? Path.ChangeExtension(outFile, ".pdb");
        var written = WrittenFileSwitches.Select(s => Written(commandLine, s, bench.BeforeDir)).OfType<string>().Append(pdbFile).Distinct(StringComparer.Ordinal).ToList();
        var saved = written.ToDictionary(f => f, f => File.Exists(f) ? (File.ReadAllBytes(f), File.GetLastWriteTimeUtc(f)) : ((byte[], DateTime)?)null, StringComparer.Ordinal);
        try
        {
            if (compiler.Compile(commandLine, bench.BeforeDir, bench.SolutionDir) is { } error)
            {
                return BeforeCheck.Refuse("BEFORE did not compile in-process: " + error, clock.Elapsed.TotalMilliseconds);
            }

            var compiled = new BeforeImage(outputDirectory, Path.GetFileName(outFile), File.ReadAllBytes(outFile), Path.GetFileName(pdbFile), File.Exists(pdbFile) ? File.ReadAllBytes(pdbFile) : null);
            if (compiled.Mismatch() is { } mismatch)
            {
                return BeforeCheck.Refuse(mismatch, clock.Elapsed.TotalMilliseconds);
            }

            return new BeforeCheck(compiler, commandLine, null, clock.Elapsed.TotalMilliseconds) { Image = compiled };
        }
        finally
        {
            // MSBuild's intermediate files as they were (a later MSBuild build of the solution must see its own state).
            foreach (var (file, content) in saved)
            {
                if (content is var (bytes, time))
                {
                    File.WriteAllBytes(file, bytes);
                    File.SetLastWriteTimeUtc(file, time);
                }
                else if (File.Exists(file))
                {
                    File.Delete(file);
                }
            }
        }
    }

    /// <summary>
    /// The program BEFORE's build made, once that build is over: when the restore step's target notes it (MSBuild then
    /// goes on to describe AFTER, which does not touch BEFORE's folder), or when the process ends; null if it failed.
    /// </summary>
    private static async Task<string?> BuiltProgramAsync(Task<BuildResult> beforeBuild, string commandLineFile)
    {
        string builtNote = BuiltNoteFile(commandLineFile);
        while (!beforeBuild.IsCompleted && !File.Exists(builtNote))
        {
            await Task.WhenAny(beforeBuild, Task.Delay(20)).ConfigureAwait(false);
        }

        if (File.Exists(builtNote) && File.ReadAllLines(builtNote).FirstOrDefault(l => l.Trim().Length > 0)?.Trim() is { } noted)
        {
            return noted;
        }

        try
        {
            BuildResult ended = await beforeBuild.ConfigureAwait(false);
            return ended.Succeeded ? Path.Combine(ended.OutputDirectory, "?") : null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the project's source generators produced nothing for BEFORE, read from MSBuild's build of it: its PDB lists
    /// a document for every source the compiler compiled, so a document that is not one of the command line's sources
    /// came from a generator. True: nothing was generated; false: something was; null: not known (no build, no PDB).
    /// </summary>
    public static async Task<bool?> GeneratedNothingAsync(Task<BuildResult> beforeBuild, Workbench bench, string commandLineFile)
    {
        string? program = await BuiltProgramAsync(beforeBuild, commandLineFile).ConfigureAwait(false);
        string builtFile = DotnetBuilder.BuiltCommandLineFile(commandLineFile);
        if (program is null || !File.Exists(builtFile))
        {
            return null;
        }

        try
        {
            string[] commandLine = File.ReadAllLines(builtFile);
            var sources = new HashSet<string>(
                Microsoft.CodeAnalysis.CSharp.CSharpCommandLineParser.Default.Parse(commandLine, bench.BeforeDir, sdkDirectory: null).SourceFiles.Select(f => Path.GetFullPath(f.Path)),
                StringComparer.Ordinal);
            string? outFile = Written(commandLine, "/out:", bench.BeforeDir);
            string? pdbName = Path.GetFileName(Written(commandLine, "/pdb:", bench.BeforeDir) ?? (outFile is null ? null : Path.ChangeExtension(outFile, ".pdb")));
            string pdb = Path.Combine(Path.GetDirectoryName(program)!, pdbName ?? "?");
            if (pdbName is null || !File.Exists(pdb))
            {
                return null;
            }

            using FileStream stream = File.OpenRead(pdb);
            using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(stream);
            System.Reflection.Metadata.MetadataReader reader = provider.GetMetadataReader();
            return reader.Documents.All(d => sources.Contains(Path.GetFullPath(reader.GetString(reader.GetDocument(d).Name))));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// AFTER compiled in-process when BEFORE's check held and the fixes allow it, its output folder made; otherwise null
    /// and why MSBuild must build it.
    /// </summary>
    public static async Task<(BuildResult? After, AfterBuildPath Path)> CompileAfterAsync(
        Task<BeforeCheck> beforeCheck, Workbench bench, string commandLineFile, BuildResult before, IReadOnlyDictionary<string, string> changed)
    {
        var clock = Stopwatch.StartNew();
        BeforeCheck check = await beforeCheck.ConfigureAwait(false);
        if (check.Compiler is null)
        {
            return (null, AfterBuildPath.MsBuild(check.Refused ?? "no compiler"));
        }

        // The check compared BEFORE's output before MSBuild exited: it must be the same folder, unchanged since.
        if (check.Image is not { } image || !SamePath(image.OutputDirectory, before.OutputDirectory))
        {
            return (null, AfterBuildPath.MsBuild("BEFORE's build put its program elsewhere than the check saw"));
        }

        if (image.Mismatch() is { } changedSince)
        {
            return (null, AfterBuildPath.MsBuild(changedSince));
        }

        string afterFile = DotnetBuilder.AfterCommandLineFile(commandLineFile);
        string[] afterLine = File.Exists(afterFile) ? File.ReadAllLines(afterFile) : Array.Empty<string>();
        if (afterLine.Length == 0)
        {
            return (null, AfterBuildPath.MsBuild("the restore step gave no command line for AFTER"));
        }

        if (NotOnlySources(bench, check.CommandLine, changed) is { } notSources)
        {
            return (null, AfterBuildPath.MsBuild(notSources));
        }

        string[] expected = Rebased(check.CommandLine, bench.BeforeDir, bench.AfterDir);
        if (!expected.SequenceEqual(afterLine, StringComparer.Ordinal))
        {
            int at = Enumerable.Range(0, Math.Max(expected.Length, afterLine.Length)).First(i => i >= expected.Length || i >= afterLine.Length || expected[i] != afterLine[i]);
            return (null, AfterBuildPath.MsBuild($"AFTER's compiler command line differs from BEFORE's (argument {at + 1})"));
        }

        string relativeOutput = Path.GetRelativePath(bench.BeforeDir, before.OutputDirectory);
        if (relativeOutput.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relativeOutput))
        {
            return (null, AfterBuildPath.MsBuild("BEFORE's output folder is outside its project folder"));
        }

        string? error = await Task.Run(() => check.Compiler.Compile(afterLine, bench.AfterDir, bench.SolutionDir)).ConfigureAwait(false);
        if (error is not null)
        {
            return (null, AfterBuildPath.MsBuild("AFTER did not compile in-process: " + error));
        }

        string outFile = Written(afterLine, "/out:", bench.AfterDir)!;
        string pdbFile = Written(afterLine, "/pdb:", bench.AfterDir) ?? Path.ChangeExtension(outFile, ".pdb");
        string output = Path.Combine(bench.AfterDir, relativeOutput);
        CopyFolder(before.OutputDirectory, output);
        File.Copy(outFile, Path.Combine(output, Path.GetFileName(outFile)), overwrite: true);
        if (File.Exists(Path.Combine(before.OutputDirectory, Path.GetFileName(pdbFile))) && File.Exists(pdbFile))
        {
            File.Copy(pdbFile, Path.Combine(output, Path.GetFileName(pdbFile)), overwrite: true);
        }

        return (new BuildResult(true, output, "", clock.Elapsed), AfterBuildPath.Compiled);
    }

    /// <summary>The compiler's folder from the restore step's note, or why it is not used.</summary>
    internal static (string? Directory, string? Refused) FindCompiler(string compilerFile)
    {
        string[] parts = File.Exists(compilerFile) ? File.ReadAllText(compilerFile).Trim().Split('|') : Array.Empty<string>();
        if (parts.Length != 3 || parts[0].Length == 0)
        {
            return (null, "the restore step did not say which compiler the build uses");
        }

        if (parts[1].Trim().Length > 0 || parts[2].Trim().Length > 0)
        {
            return (null, "the project names its own compiler (CscToolPath/CscToolExe)");
        }

        return (Path.Combine(Path.GetDirectoryName(parts[0].Replace('\\', '/'))!, "bincore"), null);
    }

    /// <summary>Null when every changed file is a C# source the command line compiles; otherwise why not.</summary>
    internal static string? NotOnlySources(Workbench bench, IReadOnlyList<string> beforeCommandLine, IReadOnlyDictionary<string, string> changed)
    {
        var sources = new HashSet<string>(
            Microsoft.CodeAnalysis.CSharp.CSharpCommandLineParser.Default.Parse(beforeCommandLine, bench.BeforeDir, sdkDirectory: null).SourceFiles.Select(f => Path.GetFullPath(f.Path)),
            StringComparer.Ordinal);
        foreach (string relative in changed.Keys)
        {
            if (!sources.Contains(Path.GetFullPath(Path.Combine(bench.BeforeDir, relative))))
            {
                return $"a fix changed or added '{relative}', which is not a C# source the project already compiles";
            }
        }

        return null;
    }

    /// <summary>A command line with every occurrence of one folder replaced by another (absolute paths into the project folder).</summary>
    internal static string[] Rebased(IEnumerable<string> commandLine, string from, string to)
    {
        string f = Path.TrimEndingDirectorySeparator(Path.GetFullPath(from)) + Path.DirectorySeparatorChar;
        string t = Path.TrimEndingDirectorySeparator(Path.GetFullPath(to)) + Path.DirectorySeparatorChar;
        return commandLine.Select(a => a.Replace(f, t, StringComparison.Ordinal)).ToArray();
    }

    /// <summary>The full path of the file an argument such as /out: names, relative to the working directory; null when absent.</summary>
    internal static string? Written(IEnumerable<string> commandLine, string argumentSwitch, string workingDirectory)
    {
        string? value = commandLine.LastOrDefault(a => a.StartsWith(argumentSwitch, StringComparison.OrdinalIgnoreCase))?.Substring(argumentSwitch.Length).Trim().Trim('"');
        return string.IsNullOrEmpty(value) ? null : Path.GetFullPath(Path.Combine(workingDirectory, value));
    }

    /// <summary>Where the restore step notes the program BEFORE's build made, once that build is over.</summary>
    public static string BuiltNoteFile(string commandLineFile) => Path.GetFullPath(commandLineFile) + ".built.done";

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (string dir in Directory.GetDirectories(from))
        {
            CopyFolder(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}

