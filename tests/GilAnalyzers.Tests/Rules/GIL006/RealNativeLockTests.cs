using GilAnalyzers.Core;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Verify001 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.SharedLockAroundCpuWorkAnalyzer>;
using Verify006 = GilAnalyzers.Tests.Verifiers.CSharpAnalyzerVerifier<GilAnalyzers.Rules.ProcessGlobalStateUnderLockAnalyzer>;

namespace GilAnalyzers.Tests.Rules;

/// <summary>
/// GIL006 on the native-lock shape of real code: a process-wide lock taken because a native library (a codec, a model
/// runtime, GDI+, Cairo, OpenCV) is not thread-safe, held around a call that does bulk work. The look-alikes stay quiet:
/// the same lock around a cheap native call (close a handle, prepare a header, read one pixel), a one-time load.
/// </summary>
public class RealNativeLockTests
{
    private const string Usings = "using System; using System.Runtime.InteropServices; using System.Threading.Tasks;\n";

    private static DiagnosticResult Gil006(int location, string gate, string call, string where, string entanglement)
        => Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(location)
            .WithArguments(gate, "'" + call + "' (bulk work in a native library)", where, "the work calls native code ('" + entanglement + "')");

    private const string CodecInterop = Usings + """
        static class CodecInterop
        {
            private static readonly object CodecGate = new object();

            [DllImport("libcodec", EntryPoint = "codecStreamConvert")]
            private static extern int NativeStreamConvert(IntPtr stream, byte[] source, byte[] target, int flags);

            [DllImport("libcodec", EntryPoint = "codecStreamClose")]
            private static extern int NativeStreamClose(IntPtr stream);

            [DllImport("libcodec", EntryPoint = "codecStreamPrepareHeader")]
            private static extern int NativeStreamPrepareHeader(IntPtr stream, byte[] header);

            public static int StreamConvert(IntPtr stream, byte[] source, byte[] target, int flags)
            {
                {|#0:lock (CodecGate)|} return NativeStreamConvert(stream, source, target, flags);
            }

            public static int StreamClose(IntPtr stream)
            {
                lock (CodecGate) return NativeStreamClose(stream);
            }

            public static int StreamPrepareHeader(IntPtr stream, byte[] header)
            {
                lock (CodecGate) { return NativeStreamPrepareHeader(stream, header); }
            }
        }
        """;

    [Fact]
    public async Task ProcessWideLockAroundBulkPInvoke_IsGil006_CheapCallsUnderTheSameLockAreQuiet()
    {
        await Verify006.VerifyAnalyzerAsync(
            CodecInterop,
            Gil006(0, "CodecGate", "NativeStreamConvert", "'StreamConvert', a process-wide lock that every calling thread queues for", "NativeStreamConvert"));
        await Verify001.VerifyAnalyzerAsync(CodecInterop);
    }

    [Fact]
    public async Task ModelLoadUnderProcessWideLock_Reports_LazyOneTimeLoadDoesNot()
    {
        var source = Usings + """
            static class Locks { public static readonly object ProcessWide = new object(); }

            static class ModelApi
            {
                [DllImport("modelrt")] public static extern IntPtr MR_NewGraph();
                [DllImport("modelrt")] public static extern IntPtr MR_LoadSessionFromSavedModel(IntPtr options, string path, string[] tags, int tagCount, IntPtr graph);
            }

            sealed class ModelSession
            {
                private static IntPtr s_shared;
                private static readonly object SharedGate = new object();
                private readonly IntPtr _handle;
                private ModelSession(IntPtr handle) { _handle = handle; }

                // Every request that loads a model queues here.
                public static ModelSession Load(string path)
                {
                    {|#0:lock (Locks.ProcessWide)|}
                    {
                        var graph = ModelApi.MR_NewGraph();
                        var tags = new[] { "serve" };
                        return new ModelSession(ModelApi.MR_LoadSessionFromSavedModel(IntPtr.Zero, path, tags, tags.Length, graph));
                    }
                }

                // Loaded once for the process: the second caller finds it done.
                public static IntPtr Shared(string path)
                {
                    if (s_shared == IntPtr.Zero)
                    {
                        lock (SharedGate)
                        {
                            if (s_shared == IntPtr.Zero)
                            {
                                s_shared = ModelApi.MR_LoadSessionFromSavedModel(IntPtr.Zero, path, new[] { "serve" }, 1, ModelApi.MR_NewGraph());
                            }
                        }
                    }

                    return s_shared;
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(
            source,
            Gil006(0, "Locks.ProcessWide", "MR_LoadSessionFromSavedModel", "'Load', a process-wide lock that every calling thread queues for", "MR_NewGraph"));
    }

    [Fact]
    public async Task GdiDrawUnderSharedLock_InRenderWorkers_WithoutTheDrawingPackage_Reports()
    {
        // Compiled as the real-code runner compiles a project whose packages are missing: Graphics does not resolve.
        var source = """
            using System.Drawing;
            using System.Threading.Tasks;

            sealed class Thumbnails
            {
                private static readonly object DrawGate = new object();

                public void Render(Bitmap[] sources, Bitmap[] targets)
                {
                    Parallel.For(0, sources.Length, i =>
                    {
                        using var graphics = Graphics.FromImage(targets[i]);
                        {|#0:lock (DrawGate)|}
                        {
                            graphics.DrawImage(sources[i], 0, 0, targets[i].Width, targets[i].Height);
                        }
                    });
                }

                public Color Probe(Bitmap bitmap, int x, int y)
                {
                    lock (DrawGate)
                    {
                        return bitmap.GetPixel(x, y);
                    }
                }
            }
            """;
        var test = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        // The lambda does not bind either (its body has errors), so the lock is seen as process-wide, not as in a Parallel.For.
        test.ExpectedDiagnostics.Add(Gil006(0, "DrawGate", "DrawImage", "'Render', a process-wide lock that every calling thread queues for", "DrawImage"));
        await test.RunAsync();
    }

    [Fact]
    public async Task UnresolvedGraphicsMadeInsideARunnerLambda_IsGil006()
    {
        // A wrapper object made inside the lambda a process-wide runner runs (the package is missing, so neither the
        // factory nor the local's type resolves): its draw call is still bulk native work under the runner's lock.
        var source = """
            using System;
            using System.Drawing;

            static class PaintGate
            {
                private static readonly object Sync = new object();
                public static void Exclusive(Action draw) { lock (Sync) { draw(); } }
            }

            sealed class Snapshot
            {
                public Image Picture { get; }
                public Snapshot(Image picture) { Picture = picture; }

                public Snapshot Scaled(int width, int height)
                {
                    var target = new Bitmap(width, height);
                    {|#0:PaintGate.Exclusive|}(() =>
                    {
                        using (var canvas = Graphics.FromImage(target))
                        {
                            canvas.DrawImage(Picture, 0, 0, width, height);
                        }
                    });
                    return new Snapshot(target);
                }

                public void Stamp(Image mark) => {|#1:PaintGate.Exclusive|}(() => Graphics.FromImage(Picture).DrawImage(mark, 4, 4));

                public int Width()
                {
                    var w = 0;
                    PaintGate.Exclusive(() => { var canvas = Graphics.FromImage(Picture); w = canvas.GetHdc().ToInt32(); });
                    return w;
                }
            }
            """;
        var test = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        test.ExpectedDiagnostics.Add(Gil006(0, "Sync", "DrawImage", "'Scaled', a process-wide lock that every calling thread queues for", "FromImage"));
        test.ExpectedDiagnostics.Add(Gil006(1, "Sync", "DrawImage", "'Stamp', a process-wide lock that every calling thread queues for", "DrawImage"));
        await test.RunAsync();
    }

    [Fact]
    public async Task CairoBlendUnderStaticLock_FromRenderThreads_Reports_ClearAloneDoesNot()
    {
        var source = """
            using System.Threading.Tasks;

            namespace Cairo
            {
                public class Surface { }
                public class Context : System.IDisposable
                {
                    public Context(Surface target) { }
                    public void Clear() { }
                    public void BlendSurface(Surface source, int mode) { }
                    public void Dispose() { }
                }
            }

            sealed class CloudsEffect
            {
                private static readonly object RenderGate = new object();

                public void Render(Cairo.Surface[] tiles, Cairo.Surface clouds)
                {
                    Parallel.ForEach(tiles, tile =>
                    {
                        {|#0:lock (RenderGate)|}
                        {
                            using var g = new Cairo.Context(tile);
                            g.Clear();
                            g.BlendSurface(clouds, 3);
                        }
                    });
                }

                public void Reset(Cairo.Surface[] tiles)
                {
                    Parallel.ForEach(tiles, tile =>
                    {
                        lock (RenderGate)
                        {
                            using var g = new Cairo.Context(tile);
                            g.Clear();
                        }
                    });
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source, Gil006(0, "RenderGate", "BlendSurface", "a Parallel.ForEach body", "Clear"));
        await Verify001.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task BulkNativeCallUnderALockOnlyItsOwnInstanceTakes_IsQuiet()
    {
        var source = Usings + """
            sealed class Decoder
            {
                private readonly object _gate = new object();
                private readonly IntPtr _handle;

                [DllImport("libcodec")] private static extern int codec_decode_frame(IntPtr handle, byte[] input, byte[] output);

                public int Decode(byte[] input, byte[] output)
                {
                    lock (_gate) { return codec_decode_frame(_handle, input, output); }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(source);
        await Verify001.VerifyAnalyzerAsync(source);
    }

    [Fact]
    public async Task PInvokeTakingAnImageByReference_UnderAStaticLock_Reports_FreeAndHandOverCallsDoNot()
    {
        var source = Usings + """
            [StructLayout(LayoutKind.Sequential)]
            struct FaceImage { public int Width; public int Height; public int Channels; public IntPtr Data; }

            [StructLayout(LayoutKind.Sequential)]
            struct Output { public IntPtr Oper; public int Index; }

            static class VisionNative
            {
                [DllImport("vision")] public static extern IntPtr FaceMark(IntPtr handle, ref FaceImage image, ref int size);
                [DllImport("vision")] public static extern void Free(IntPtr ptr);
                [DllImport("vision")] public static extern void AddInputList(IntPtr op, Output[] inputs, int count);
            }

            sealed class Landmarker
            {
                private static readonly object Locker = new object();
                private readonly IntPtr _handle;

                public IntPtr Mark(FaceImage image)
                {
                    {|#0:lock (Locker)|}
                    {
                        int size = 0;
                        return VisionNative.FaceMark(_handle, ref image, ref size);
                    }
                }

                public void Release(IntPtr ptr)
                {
                    lock (Locker) { VisionNative.Free(ptr); }
                }

                public void Wire(IntPtr op, Output[] inputs)
                {
                    lock (Locker) { VisionNative.AddInputList(op, inputs, inputs.Length); }
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(
            source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "Locker", "'FaceMark' (bulk work in a native library)", "'Mark', a process-wide lock that every calling thread queues for",
                "the work calls native code ('FaceMark')"));
    }

    [Fact]
    public async Task ModelLoadWithTypesFromAMissingPackage_StillReports()
    {
        // As the real-code runner compiles a binding whose generated protobuf types are missing: Status, SessionOptions,
        // TF_Buffer and the exception type do not resolve.
        var source = Usings + """
            using System.Runtime.CompilerServices;

            static class Locks { public static readonly object ProcessWide = new object(); }

            static partial class c_api
            {
                [DllImport("modelrt")] public static extern IntPtr MR_NewGraph();
                [DllImport("modelrt")] public static extern IntPtr MR_LoadSessionFromSavedModel(SafeOptionsHandle options, IntPtr runOptions, string path, string[] tags, int tagCount, IntPtr graph, ref MR_Buffer metaGraph, SafeStatusHandle status);
            }

            sealed class Session
            {
                private Session(IntPtr handle) { }

                [MethodImpl(MethodImplOptions.NoOptimization)]
                public static Session LoadFromSavedModel(string path)
                {
                    {|#0:lock (Locks.ProcessWide)|}
                    {
                        var graph = c_api.MR_NewGraph();
                        using var status = new Status();
                        var opt = new SessionOptions();
                        var tags = new string[] { "serve" };
                        var buffer = new MR_Buffer();
                        IntPtr sess;
                        try
                        {
                            sess = c_api.MR_LoadSessionFromSavedModel(opt.Handle, IntPtr.Zero, path, tags, tags.Length, graph, ref buffer, status.Handle);
                            status.Check(true);
                        }
                        catch (ModelException ex) when (ex.Message.Contains("Could not find SavedModel"))
                        {
                            sess = c_api.MR_LoadSessionFromSavedModel(opt.Handle, IntPtr.Zero, System.IO.Path.GetFullPath(path), tags, tags.Length, graph, ref buffer, status.Handle);
                        }

                        return new Session(sess);
                    }
                }
            }
            """;
        var test = new Verify006.Test { TestCode = source, CompilerDiagnostics = CompilerDiagnostics.None };
        // System.IO.Path.GetFullPath in the retry only computes a string: it does not make the load I/O-bound.
        test.ExpectedDiagnostics.Add(Gil006(0, "Locks.ProcessWide", "MR_LoadSessionFromSavedModel", "'LoadFromSavedModel', a process-wide lock that every calling thread queues for", "MR_NewGraph"));
        await test.RunAsync();
    }

    [Fact]
    public async Task LockOnTheNativeLibraryObject_IsGil006_EvenThroughManagedCalls()
    {
        // The library is bound through function pointers (no [DllImport] in sight); the lock names it.
        var source = Usings + """
            sealed class PdfEngineNativeLibrary
            {
                public static PdfEngineNativeLibrary Instance { get; } = new PdfEngineNativeLibrary();
                public int RenderPixel(int page, int x, int y) => (page * 31 + x * 17 + y) & 0xFF;
            }

            static class Renderer
            {
                public static byte[] Render(int page, int width, int height)
                {
                    var pixels = new byte[width * height];
                    {|#0:lock (PdfEngineNativeLibrary.Instance)|}
                    {
                        for (int y = 0; y < height; y++)
                            for (int x = 0; x < width; x++)
                                pixels[y * width + x] = (byte)PdfEngineNativeLibrary.Instance.RenderPixel(page, x, y);
                    }

                    return pixels;
                }
            }
            """;
        await Verify006.VerifyAnalyzerAsync(
            source,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "PdfEngineNativeLibrary.Instance", "nested loop, 2 levels", "'Render', a process-wide lock that every calling thread queues for",
                "the lock guards a native library ('PdfEngineNativeLibrary')"));
    }

    [Theory]
    [InlineData("acmStreamConvert", true)]
    [InlineData("TF_LoadSessionFromSavedModel", true)]
    [InlineData("DrawImage", true)]
    [InlineData("BlendSurface", true)]
    [InlineData("codec_decode_frame", true)]
    [InlineData("FaceDetector", true)]
    [InlineData("FaceRecognizerExtract", true)]
    [InlineData("acmStreamClose", false)]
    [InlineData("acmStreamPrepareHeader", false)]
    [InlineData("GetPixel", false)]
    [InlineData("SetPixel", false)]
    [InlineData("LockBits", false)]
    [InlineData("Clear", false)]
    [InlineData("TF_GetVersion", false)]
    [InlineData("ReleaseHandle", false)]
    public void NamesBulkWork_ReadsTheWordsOfTheName(string name, bool expected)
        => Assert.Equal(expected, NativeWork.NamesBulkWork(name));

    private const string LoadedAtRunTime = Usings + """
        static class PdfBridge
        {
            private static readonly object Sync = new object();

            [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
            private delegate void RenderPageDelegate(IntPtr bitmap, IntPtr page, int width, int height);
            [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
            private delegate int PageCountDelegate(IntPtr document);

            private static RenderPageDelegate PdfRenderPageBitmap { get; set; }
            private static PageCountDelegate PdfGetPageCount { get; set; }

            public static void Load(IntPtr library)
            {
                PdfRenderPageBitmap = Marshal.GetDelegateForFunctionPointer<RenderPageDelegate>(NativeLibrary.GetExport(library, "pdf_render_page_bitmap"));
                PdfGetPageCount = Marshal.GetDelegateForFunctionPointer<PageCountDelegate>(NativeLibrary.GetExport(library, "pdf_get_page_count"));
            }

            public static void Render(IntPtr bitmap, IntPtr page, int width, int height)
            {
                {|#0:lock (Sync)|}
                {
                    PdfRenderPageBitmap(bitmap, page, width, height);
                }
            }

            public static int Pages(IntPtr document)
            {
                lock (Sync)
                {
                    return PdfGetPageCount(document);
                }
            }
        }
        """;

    [Fact]
    public async Task NativeEntryPointLoadedAtRunTimeDoingBulkWork_IsGil006_CheapOneIsQuiet()
    {
        await Verify006.VerifyAnalyzerAsync(
            LoadedAtRunTime,
            Gil006(0, "Sync", "PdfRenderPageBitmap", "'Render', a process-wide lock that every calling thread queues for", "PdfRenderPageBitmap"));
    }

    private const string TextEngine = Usings + """
        static class TextApi
        {
            [DllImport("textengine")] public static extern void text_paragraph_plan_layout(IntPtr paragraph, float width);
            [DllImport("textengine")] public static extern float text_paragraph_get_layout_width(IntPtr paragraph);
            [DllImport("textengine")] public static extern void text_world_step(IntPtr world, float dt);
        }
        sealed class TextParagraph
        {
            public IntPtr Handle;
            public void PlanLayout(float width) => TextApi.text_paragraph_plan_layout(Handle, width);
            public float LayoutWidth() => TextApi.text_paragraph_get_layout_width(Handle);
        }
        sealed class TextBox
        {
            private static readonly object LayoutGate = new object();
            private readonly TextParagraph _paragraph = new TextParagraph();
            public void Measure(float width)
            {
                {|#0:lock (LayoutGate)|}
                    _paragraph.PlanLayout(width);
            }
            public float Width()
            {
                lock (LayoutGate)
                    return _paragraph.LayoutWidth();
            }
        }
        """;

    [Fact]
    public async Task ProcessWideLockAroundLayoutInNativeTextEngine_IsGil006_LayoutGetterIsQuiet()
    {
        await Verify006.VerifyAnalyzerAsync(
            TextEngine,
            Verify006.Diagnostic(DiagnosticIds.ProcessGlobalStateUnderLock).WithLocation(0).WithArguments(
                "LayoutGate",
                "calls 'PlanLayout' ('text_paragraph_plan_layout' (bulk work in a native library))",
                "'Measure', a process-wide lock that every calling thread queues for",
                "the work calls native code ('text_paragraph_plan_layout')"));
    }
}

/// <summary>The GIL006 fixer on native-lock sites: a native handle or a drawing context cannot move to a worker process.</summary>
public class RealNativeLockFixOfferTests
{
    [Fact]
    public async Task CodecHandleUnderProcessWideLock_NoRewriteOffered()
    {
        var source = "using System; using System.Runtime.InteropServices;\n" + """
            static class CodecInterop
            {
                private static readonly object CodecGate = new object();

                [DllImport("libcodec")]
                private static extern int codecStreamConvert(IntPtr stream, byte[] source, byte[] target, int flags);

                public static int StreamConvert(IntPtr stream, byte[] source, byte[] target, int flags)
                {
                    lock (CodecGate) return codecStreamConvert(stream, source, target, flags);
                }
            }
            """;
        var offers = await GilAnalyzers.Tests.Verifiers.CodeFixOffers.ForAsync(source);
        var gil006 = Assert.Single(offers);
        Assert.Equal(DiagnosticIds.ProcessGlobalStateUnderLock, gil006.Id);
        Assert.Empty(gil006.Keys);
    }
}
