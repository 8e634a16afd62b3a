using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace GilAnalyzers.Core;

/// <summary>
/// Calls into native code and into managed wrappers of native libraries (GDI+, Cairo, Skia, OpenCV, ImageMagick,
/// TensorFlow, ONNX Runtime, GDAL, Tesseract, Pdfium): which are native, and which of them do bulk work.
/// <para>
/// A process-wide lock around such a call is the typical guard of a library that is not thread-safe: threads queue
/// for it and only processes would run it in parallel (GIL006). Whether the call is heavy cannot be seen from the
/// caller; its name says it in practice (<c>acmStreamConvert</c>, <c>TF_LoadSessionFromSavedModel</c>,
/// <c>Graphics.DrawImage</c>, <c>Context.BlendSurface</c> against <c>acmStreamClose</c>, <c>GetPixel</c>,
/// <c>PrepareHeader</c>). The model reads the words of the name: one bulk-work verb and no bookkeeping word.
/// </para>
/// Works on unresolved code too (a project compiled without its packages): the receiver's type name and the called
/// name are all it needs.
/// </summary>
internal static class NativeWork
{
    /// <summary>Words that name work proportional to the data handed over.</summary>
    private static readonly HashSet<string> BulkVerbs = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Convert", "Encode", "Decode", "Compress", "Decompress", "Render", "Draw", "Blend", "Paint", "Resample", "Resize",
        "Process", "Run", "Infer", "Inference", "Predict", "Train", "Fit", "Recognize", "Recognise", "Detect", "Filter",
        "Blur", "Convolve", "Hash", "Encrypt", "Decrypt", "Load", "Compile", "Solve", "Clone", "Composite", "Rasterize",
        "Transcode", "Inflate", "Deflate", "Evaluate", "Forward", "Import", "Extract", "Classify", "Segment", "Track",
        "Detector", "Recognizer", "Recogniser", "Encoder", "Decoder", "Converter", "Renderer", "Compressor", "Extractor",
        "Predictor", "Classifier", "Tracker", "Simulate", "Collide", "Optimize", "Optimise", "Analyze", "Analyse",
        // Text layout and shaping, font matching, geometry and simulation steps, image transforms: the work of text
        // engines (Skia paragraphs, HarfBuzz, Fontconfig), physics engines and imaging libraries.
        "Layout", "Shape", "Match", "Transform", "Warp", "Scale", "Sort", "Search", "Step", "Integrate", "Tessellate",
        "Triangulate", "Rasterise", "Stroke", "Fill",
    };

    /// <summary>
    /// Words of calls that hand data over without processing it in bulk: with one of these, a P/Invoke that takes an
    /// array or a structure by reference is not assumed to do bulk work.
    /// </summary>
    private static readonly HashSet<string> HandOverWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Add", "Append", "Insert", "Remove", "Attach", "Detach", "Bind", "Copy", "Read", "Write", "Finish", "Begin", "End",
        "Start", "Stop", "Create", "New", "Alloc", "Allocate", "Make", "Put", "Push", "Pop", "Send", "Receive", "Log",
        "Format", "Print", "Message", "Trace",
    };

    /// <summary>Words of bookkeeping calls, cheap whatever else the name says.</summary>
    private static readonly HashSet<string> BookkeepingWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Get", "Set", "Is", "Has", "Close", "Free", "Release", "Prepare", "Unprepare", "Open", "Destroy", "Delete",
        "Dispose", "Init", "Initialize", "Initialise", "Size", "Count", "Length", "Handle", "Flags", "Status", "Error",
        "Version", "Register", "Unregister", "Lock", "Unlock", "Reset", "Query", "Info", "Callback", "Abort", "Cancel",
        "Pixel", "Flush", "Details", "Detail", "Caps", "Capabilities", "Properties", "Metadata", "Enum",
    };

    /// <summary>Namespaces of managed wrappers over native libraries that are not thread-safe as a rule.</summary>
    private static readonly string[] WrapperNamespaces =
    {
        "System.Drawing", "SkiaSharp", "Cairo", "OpenCvSharp", "Emgu.CV", "ImageMagick", "Tensorflow", "TensorFlow",
        "Microsoft.ML.OnnxRuntime", "OSGeo", "Tesseract", "PdfiumViewer", "Pdfium", "PDFiumCore", "PDFiumSharp", "FFmpeg",
        "Leptonica",
    };

    private static readonly string[][] WrapperNamespaceParts = Array.ConvertAll(WrapperNamespaces, n => n.Split('.'));

    /// <summary>Type names of such wrappers, for code compiled without the package (the type does not resolve).</summary>
    private static readonly HashSet<string> WrapperTypeNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "Graphics", "Bitmap", "Metafile", "SKCanvas", "SKBitmap", "SKSurface", "SKImage", "SKPicture", "SKPixmap", "Mat",
        "UMat", "Cv2", "CvInvoke", "MagickImage", "MagickImageCollection", "ImageSurface", "InferenceSession",
        "TesseractEngine", "PdfDocument", "Gdal", "Ogr",
    };

    /// <summary>The name of a native wrapper type, for code compiled without the package (<c>Mat</c>, <c>InferenceSession</c>).</summary>
    public static bool IsWrapperTypeName(string name) => WrapperTypeNames.Contains(name);

    /// <summary>A P/Invoke entry point (<c>[DllImport]</c> or <c>[LibraryImport]</c>).</summary>
    public static bool IsPInvoke(IMethodSymbol method)
    {
        // [DllImport] methods are extern, in source and in metadata; a [LibraryImport] method is a static partial of the
        // user's (its extern part is generated). Anything else (Math.Sin, a framework static) is answered without
        // decoding attributes.
        if (!method.IsStatic || (!method.IsExtern && !method.IsPartialDefinition))
        {
            return false;
        }

        if (method.GetDllImportData() is not null)
        {
            return true;
        }

        return OperationFacts.HasAttributeNamed(method, "LibraryImportAttribute");
    }

    /// <summary>A P/Invoke or a member of a native library's managed wrapper.</summary>
    public static bool IsNative(IMethodSymbol method)
        => IsPInvoke(method) || (method.ContainingType is { } type && IsWrapperType(type)) || IsNativeDelegateInvoke(method);

    /// <summary>
    /// The Invoke of a delegate type marked <c>[UnmanagedFunctionPointer]</c>: a native entry point loaded at run time
    /// (<c>NativeLibrary.GetExport</c> + <c>Marshal.GetDelegateForFunctionPointer</c>) and called through a delegate.
    /// </summary>
    private static bool IsNativeDelegateInvoke(IMethodSymbol method)
        => method.MethodKind == MethodKind.DelegateInvoke && method.ContainingType is { } type
           && OperationFacts.HasAttributeNamed(type, "UnmanagedFunctionPointerAttribute");

    /// <summary>
    /// The name a native call goes by: the method's, or for a native delegate the field, property or local it is
    /// called through (<c>FPDF_RenderPageStatic(…)</c>, not <c>Invoke</c>).
    /// </summary>
    public static string NativeName(IInvocationOperation invocation)
        => invocation.TargetMethod.MethodKind == MethodKind.DelegateInvoke
            ? invocation.Instance switch
            {
                IMemberReferenceOperation member => member.Member.Name,
                ILocalReferenceOperation local => local.Local.Name,
                IParameterReferenceOperation parameter => parameter.Parameter.Name,
                _ => invocation.TargetMethod.Name,
            }
            : invocation.TargetMethod.Name;

    /// <summary>
    /// The called name when <paramref name="operation"/> is a native call that does bulk work (see the class summary),
    /// else null. Handles resolved calls and calls left unresolved because a package is missing.
    /// </summary>
    public static string? BulkNativeCall(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation invocation:
                var method = invocation.TargetMethod;
                if (!IsNative(method))
                {
                    return null;
                }

                var called = NativeName(invocation);
                var entryPoint = IsPInvoke(method) || IsNativeDelegateInvoke(method);
                return (NamesBulkWork(called) && !(entryPoint && TakesOnlyScalars(method)))
                       || (entryPoint && TakesDataToProcess(method, called))
                       || IsGdiImageEncode(method)
                       || (method.IsStatic && OpenCvFunctionClasses.Contains(method.ContainingType.Name) && IsOpenCvImageCall(invocation.Syntax, called))
                    ? called
                    : null;
            case IObjectCreationOperation or IInvalidOperation when ImageCopyConstruction(operation) is { } copy:
                return copy;
            case IInvalidOperation invalid when UnresolvedWrapperCall(invalid) is { } name:
                return NamesBulkWork(name) || IsOpenCvImageCall(invalid.Syntax, name) ? name : null;
            case IInvalidOperation invalid when UnresolvedStaticImportCall(invalid) is { } imported:
                return NamesBulkWork(imported) ? imported : null;
            case IInvalidOperation invalid when NativeCandidate(invalid) is { } candidate:
                return (NamesBulkWork(candidate.Name) && !TakesOnlyScalars(candidate)) || TakesDataToProcess(candidate, candidate.Name) ? candidate.Name : null;
            case IInvalidOperation invalid when UnresolvedBulkCallOnWrapperObject(invalid) is { } handed:
                return handed;
            default:
                return null;
        }
    }

    /// <summary>OpenCV's function-style entry classes: Emgu CV's <c>CvInvoke</c>, OpenCvSharp's <c>Cv2</c>.</summary>
    private static readonly HashSet<string> OpenCvFunctionClasses = new HashSet<string>(StringComparer.Ordinal) { "CvInvoke", "Cv2" };

    /// <summary>Words of the entry classes' calls that take no image: windows, keys, timing, threading and back-end switches.</summary>
    private static readonly HashSet<string> OpenCvNonImageWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Window", "Windows", "Show", "Key", "Wait", "Tick", "Ticks", "Thread", "Threads", "Trackbar", "Mouse", "Use", "Optimized",
        "Num", "Cuda", "Device",
    };

    /// <summary>
    /// <c>CvInvoke.Add(sum, frame, sum, mask)</c>, <c>Cv2.BitwiseOr(a, b, dst)</c>: a static call on OpenCV's function-style
    /// entry class with an image to work on. Every such function processes the whole image (element-wise arithmetic,
    /// bitwise masks, colour conversion, morphology), so it is bulk native work whatever its name — Add or Subtract
    /// here is per pixel, not a hand-over. Calls that take only literals (<c>Cv2.WaitKey(1)</c>) or are named for
    /// windows, timing or configuration (<c>SetNumThreads</c>, <c>NamedWindow</c>, <c>GetTickCount</c>) are not.
    /// </summary>
    private static bool IsOpenCvImageCall(SyntaxNode syntax, string called)
    {
        if (syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } call)
        {
            return false;
        }

        var receiver = access.Expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            _ => null,
        };
        if (receiver is null || !OpenCvFunctionClasses.Contains(receiver))
        {
            return false;
        }

        var takesData = false;
        foreach (var argument in call.ArgumentList.Arguments)
        {
            if (argument.Expression is not LiteralExpressionSyntax)
            {
                takesData = true;
                break;
            }
        }

        if (!takesData)
        {
            return false;
        }

        foreach (var word in Words(called))
        {
            if (BookkeepingWords.Contains(word) || OpenCvNonImageWords.Contains(word))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Image types of GDI+ whose constructors take another image.</summary>
    private static readonly HashSet<string> GdiImageTypeNames = new HashSet<string>(StringComparer.Ordinal) { "Bitmap", "Image", "Metafile" };

    /// <summary>
    /// <c>new Bitmap(image)</c>, <c>new Bitmap(image, width, height)</c>, <c>new Bitmap(image, size)</c>: GDI+ copies (and
    /// scales) every pixel of the source image into a new one — the usual way to snapshot or resize a bitmap, bulk
    /// native work. <c>new Bitmap(width, height)</c> (an empty image) or <c>new Bitmap(path)</c> is not. Works when
    /// System.Drawing does not resolve (the construction is then invalid, but the names are there).
    /// </summary>
    public static string? ImageCopyConstruction(IOperation operation)
    {
        if (operation.Syntax is not ObjectCreationExpressionSyntax { ArgumentList.Arguments: { Count: > 0 } arguments } creation)
        {
            return null;
        }

        var named = creation.Type switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            _ => null,
        };
        if (named != "Bitmap"
            || (operation is IObjectCreationOperation { Type: { TypeKind: not TypeKind.Error } type } && !IsWrapperType(type))
            || operation.SemanticModel is not { } model)
        {
            return null;
        }

        // The first argument is the source image: its type (resolved or not) is one of GDI+'s image types.
        return model.GetTypeInfo(arguments[0].Expression).Type is { } source && GdiImageTypeNames.Contains(source.Name)
            ? "new Bitmap"
            : null;
    }

    /// <summary>
    /// <c>image.Save(stream, ImageFormat.Png)</c>, <c>bitmap.Save(path)</c>: GDI+ encodes the whole image (PNG/JPEG
    /// compression of every pixel) whatever the destination — bulk native work, though its name reads like I/O.
    /// </summary>
    private static bool IsGdiImageEncode(IMethodSymbol method)
        => method.Name == "Save" && !method.IsStatic
           && method.ContainingType is { Name: "Image", ContainingNamespace: { Name: "Drawing", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } };

    /// <summary>The called name of an unresolved call on a native wrapper (<c>graphics.DrawImage(..)</c> with no System.Drawing reference).</summary>
    public static string? UnresolvedWrapperCall(IInvalidOperation invalid)
    {
        if (invalid.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access })
        {
            return null;
        }

        // The receiver is a child of the call, or of the member access under it (an operation of kind None).
        foreach (var child in ReceiverCandidates(invalid, access))
        {
            if (child.Syntax == access.Expression)
            {
                if ((child.Type is { } receiverType && (IsWrapperType(receiverType) || WrapperTypeNames.Contains(receiverType.Name)))
                    || (child is ILocalReferenceOperation local && IsMadeByWrapper(local.Local)))
                {
                    return access.Name.Identifier.ValueText;
                }

                break;
            }
        }

        // A static call on an unresolved wrapper class (Cv2.Resize(..), CvInvoke.GaussianBlur(..)), or a call on what a
        // wrapper's factory or constructor just made (Graphics.FromImage(b).DrawImage(..), new Mat(..).Resize(..)).
        return access.Expression is IdentifierNameSyntax identifier && WrapperTypeNames.Contains(identifier.Identifier.ValueText)
               || MadeByWrapper(access.Expression)
            ? access.Name.Identifier.ValueText
            : null;
    }

    /// <summary>
    /// <c>context.BlendSurface(surface, area)</c>, <c>canvas.DrawBitmap(bitmap, 0, 0)</c>, <c>encoder.Encode(frame)</c> when
    /// the receiver's type does not resolve (its package is missing, or it is a drawing context made with a target-typed
    /// <c>new (surface)</c> the model cannot name): a call named for bulk work (<see cref="NamesBulkWork"/>) that is handed
    /// a native library's object — an image, a surface, a matrix, a model — as an argument works on that object's data.
    /// The called name, or null. A call with only plain arguments, or named for bookkeeping, is not.
    /// </summary>
    public static string? UnresolvedBulkCallOnWrapperObject(IInvalidOperation invalid)
    {
        if (invalid.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access, ArgumentList.Arguments: { Count: > 0 } arguments }
            || !NamesBulkWork(access.Name.Identifier.ValueText)
            || invalid.SemanticModel is not { } model)
        {
            return null;
        }

        foreach (var argument in arguments)
        {
            if (model.GetTypeInfo(argument.Expression).Type is { } type && IsWrapperObjectType(type))
            {
                return access.Name.Identifier.ValueText;
            }
        }

        return null;
    }

    /// <summary>A native wrapper's type, resolved (by namespace) or left unresolved (by its name).</summary>
    private static bool IsWrapperObjectType(ITypeSymbol type)
        => type.TypeKind == TypeKind.Error ? WrapperTypeNames.Contains(type.Name) : IsWrapperType(type);

    private static IEnumerable<IOperation> ReceiverCandidates(IInvalidOperation invalid, MemberAccessExpressionSyntax access)
    {
        foreach (var child in invalid.ChildOperations)
        {
            if (child.Syntax == access)
            {
                foreach (var grandchild in child.ChildOperations)
                {
                    yield return grandchild;
                }
            }
            else
            {
                yield return child;
            }
        }
    }

    /// <summary>
    /// The P/Invoke an unresolved call was meant for: <c>c_api.TF_LoadSessionFromSavedModel(opt.Handle, …)</c> whose
    /// arguments do not bind (a type from a missing package) still names its one candidate.
    /// </summary>
    public static IMethodSymbol? NativeCandidate(IInvalidOperation invalid)
    {
        if (invalid.Syntax is not InvocationExpressionSyntax || invalid.SemanticModel is not { } model)
        {
            return null;
        }

        foreach (var candidate in model.GetSymbolInfo(invalid.Syntax).CandidateSymbols)
        {
            if (candidate is IMethodSymbol method && IsPInvoke(method))
            {
                return method;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>FPDF_RenderPageBitmap(bitmap, page, …)</c> in a file with <c>using static PDFiumCore.fpdfview;</c> and the package
    /// missing: a bare-name call that binds to nothing (no candidate at all) while the file imports the static members of
    /// a native wrapper's class — the usual way generated bindings (PDFiumCore, FFmpeg.AutoGen) are called. The called
    /// name, or null.
    /// </summary>
    public static string? UnresolvedStaticImportCall(IInvalidOperation invalid)
    {
        if (invalid.Syntax is not InvocationExpressionSyntax { Expression: IdentifierNameSyntax called }
            || invalid.SemanticModel is not { } model
            || !model.GetSymbolInfo(invalid.Syntax).CandidateSymbols.IsEmpty)
        {
            return null;
        }

        for (SyntaxNode? node = invalid.Syntax; node is not null; node = node.Parent)
        {
            var usings = node switch
            {
                CompilationUnitSyntax unit => unit.Usings,
                BaseNamespaceDeclarationSyntax space => space.Usings,
                _ => default,
            };
            foreach (var directive in usings)
            {
                if (directive.StaticKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.StaticKeyword)
                    && directive.Name is QualifiedNameSyntax { Left: { } imported }
                    && IsWrapperNamespaceName(imported))
                {
                    return called.Identifier.ValueText;
                }
            }
        }

        return null;
    }

    /// <summary>The namespace part of a <c>using static</c> directive (<c>PDFiumCore</c>, <c>FFmpeg.AutoGen</c>) names a wrapper's namespace.</summary>
    private static bool IsWrapperNamespaceName(NameSyntax name)
    {
        var parts = name.ToString().Split('.');
        string? Part(int i) => i < parts.Length ? parts[i].Trim() : null;
        return IsWrapperNamespace(Part(0), Part(1), Part(2));
    }

    /// <summary>
    /// <c>var g = Graphics.FromImage(..)</c> or <c>var m = new Mat(..)</c> with the package missing: the local's type does
    /// not resolve (not even to a name), but its initializer names the wrapper.
    /// </summary>
    private static bool IsMadeByWrapper(ILocalSymbol local)
        => local.DeclaringSyntaxReferences.Length == 1
           && local.DeclaringSyntaxReferences[0].GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } value }
           && MadeByWrapper(value);

    /// <summary><c>Graphics.FromImage(..)</c>, <c>new Mat(..)</c>: an expression that makes a wrapper object by its type's name.</summary>
    private static bool MadeByWrapper(ExpressionSyntax value)
    {
        var named = value switch
        {
            ObjectCreationExpressionSyntax creation => creation.Type,
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax factory } => factory.Expression,
            _ => null,
        };
        return named switch
        {
            IdentifierNameSyntax identifier => WrapperTypeNames.Contains(identifier.Identifier.ValueText),
            QualifiedNameSyntax qualified => WrapperTypeNames.Contains(qualified.Right.Identifier.ValueText),
            _ => false,
        };
    }

    /// <summary>
    /// A P/Invoke of numbers only (<c>transform(int value)</c>, <c>scale(double x)</c>): whatever its name, it works on the
    /// values handed over, not on a native object or buffer — per-value work, not bulk work.
    /// </summary>
    private static bool TakesOnlyScalars(IMethodSymbol method)
    {
        if (method.Parameters.IsEmpty)
        {
            // Works on what the library holds (a global model, a current context): the name decides.
            return false;
        }

        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None
                || parameter.Type.SpecialType is SpecialType.None or SpecialType.System_IntPtr or SpecialType.System_UIntPtr
                    or SpecialType.System_String or SpecialType.System_Object)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A P/Invoke whose name says nothing either way (<c>FaceMark(handle, ref image, …)</c>, <c>AntiSpoofing(…)</c>) but
    /// that takes data to work on — an array, a pointer, a structure by reference — and whose name has no bookkeeping
    /// or hand-over word (<c>GetInfo</c>, <c>AddInputList</c>, <c>CopyBuffer</c>).
    /// </summary>
    private static bool TakesDataToProcess(IMethodSymbol method, string name)
    {
        var data = false;
        foreach (var parameter in method.Parameters)
        {
            var type = parameter.Type;
            if ((type is IArrayTypeSymbol { ElementType.SpecialType: not SpecialType.System_String })
                || (type is IPointerTypeSymbol { PointedAtType.SpecialType: not SpecialType.System_Void })
                || (parameter.RefKind != RefKind.None && type.TypeKind == TypeKind.Struct && type.SpecialType == SpecialType.None
                    && type.Name != "IntPtr" && type.Name != "UIntPtr" && type.Name != "Guid"))
            {
                data = true;
                break;
            }
        }

        if (!data)
        {
            return false;
        }

        foreach (var word in Words(name))
        {
            if (BookkeepingWords.Contains(word) || HandOverWords.Contains(word))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A lock taken on a native library itself (<c>lock (PdfiumNativeLibrary.Instance)</c>, <c>lock (NativeMethods.Sync)</c>,
    /// <c>lock (s_interopGate)</c>): the lock exists because that library is not thread-safe.
    /// </summary>
    public static string? NativeLockName(IOperation lockedValue)
    {
        var value = OperationFacts.StripConversions(lockedValue);

        string?[] names =
        {
            value.Type?.Name,
            (value as IMemberReferenceOperation)?.Member.Name,
            (value as IMemberReferenceOperation)?.Member.ContainingType?.Name,
        };
        foreach (var name in names)
        {
            if (name is null)
            {
                continue;
            }

            foreach (var word in Words(name))
            {
                if (word.Equals("Native", StringComparison.OrdinalIgnoreCase) || word.Equals("Interop", StringComparison.OrdinalIgnoreCase)
                    || word.Equals("PInvoke", StringComparison.OrdinalIgnoreCase) || word.Equals("Unmanaged", StringComparison.OrdinalIgnoreCase))
                {
                    return name;
                }
            }
        }

        return null;
    }

    /// <summary>One bulk-work verb among the name's words and no bookkeeping word ("acmStreamConvert", not "acmStreamClose").</summary>
    public static bool NamesBulkWork(string name)
    {
        var bulk = false;
        foreach (var word in Words(name))
        {
            if (BookkeepingWords.Contains(word))
            {
                return false;
            }

            bulk |= BulkVerbs.Contains(word);
        }

        return bulk && !OpensDocument(name);
    }

    /// <summary>
    /// <c>FPDF_LoadDocument</c>, <c>LoadMemDocument</c>: "loading" a document only opens it (a document library reads the
    /// file's trailer and cross-reference table; pages are parsed when asked for), so on its own it is not bulk work —
    /// the page loads, renders and extractions that follow are. <c>LoadPage</c>, <c>LoadModel</c> stay bulk.
    /// </summary>
    private static bool OpensDocument(string name)
    {
        var loads = false;
        var document = false;
        foreach (var word in Words(name))
        {
            if (BulkVerbs.Contains(word) && !word.Equals("Load", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            loads |= word.Equals("Load", StringComparison.OrdinalIgnoreCase);
            document |= word.Equals("Document", StringComparison.OrdinalIgnoreCase) || word.Equals("Doc", StringComparison.OrdinalIgnoreCase);
        }

        return loads && document;
    }

    public static bool IsWrapperType(ITypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class || type.ContainingNamespace is not { IsGlobalNamespace: false } ns)
        {
            return false;
        }

        // The outermost three namespace names, without building the display string: this runs for every call the
        // cost and global-state models walk.
        var (first, second, third) = OutermostNames(ns);
        return IsWrapperNamespace(first, second, third);
    }

    /// <summary>A namespace whose outermost three names (null where it is shallower) start with one of <see cref="WrapperNamespaces"/>.</summary>
    private static bool IsWrapperNamespace(string? first, string? second, string? third)
    {
        foreach (var parts in WrapperNamespaceParts)
        {
            if (parts[0] == first
                && (parts.Length < 2 || parts[1] == second)
                && (parts.Length < 3 || parts[2] == third))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// ONNX Runtime's types: its <c>InferenceSession</c> is documented as safe for concurrent <c>Run</c> calls on one
    /// session, and its values and tensors (<c>NamedOnnxValue</c>, <c>OrtValue</c>, <c>DenseTensor</c>) are objects of
    /// one call. A call into it is native work, but it keeps no process-global state that threads would have to take
    /// turns on: a lock around it serialises threads that could share the session (GIL001), not a library only
    /// processes can run in parallel (GIL006).
    /// </summary>
    private static readonly HashSet<string> ThreadSafeNativeTypeNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "InferenceSession", "NamedOnnxValue", "DisposableNamedOnnxValue", "OrtValue", "RunOptions", "DenseTensor",
    };

    /// <summary>
    /// A call into a native library that is safe to share between threads (see <see cref="ThreadSafeNativeTypeNames"/>):
    /// resolved, a member of a type in <c>Microsoft.ML.OnnxRuntime</c>; unresolved (the package missing), a call on, or a
    /// static call of, one of its type names.
    /// </summary>
    public static bool IsThreadSafeNativeCall(IOperation operation)
    {
        switch (operation)
        {
            case IInvocationOperation { TargetMethod.ContainingType: { } type }:
                return IsOnnxRuntimeType(type);
            case IInvalidOperation { Syntax: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access }, SemanticModel: { } model }:
                if (access.Expression is IdentifierNameSyntax identifier && ThreadSafeNativeTypeNames.Contains(identifier.Identifier.ValueText))
                {
                    return true;
                }

                return model.GetTypeInfo(access.Expression).Type is { } receiver
                       && (receiver.TypeKind == TypeKind.Error ? ThreadSafeNativeTypeNames.Contains(receiver.Name) : IsOnnxRuntimeType(receiver));
            default:
                return false;
        }
    }

    private static bool IsOnnxRuntimeType(ITypeSymbol type)
    {
        if (type.ContainingNamespace is not { IsGlobalNamespace: false } ns)
        {
            return false;
        }

        // Microsoft.ML.OnnxRuntime and the namespaces under it (…OnnxRuntime.Tensors).
        var (first, second, third) = OutermostNames(ns);
        return first == "Microsoft" && second == "ML" && third == "OnnxRuntime";
    }

    /// <summary>The outermost three names of a namespace (<c>Microsoft</c>, <c>ML</c>, <c>OnnxRuntime</c> for Microsoft.ML.OnnxRuntime.Tensors); null where it is shallower.</summary>
    private static (string? First, string? Second, string? Third) OutermostNames(INamespaceSymbol ns)
    {
        string? first = null, second = null, third = null;
        for (var current = ns; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
        {
            third = second;
            second = first;
            first = current.Name;
        }

        return (first, second, third);
    }

    /// <summary>"TF_LoadSessionFromSavedModel" → TF, Load, Session, From, Saved, Model; "acmStreamConvert" → acm, Stream, Convert.</summary>
    internal static IEnumerable<string> Words(string name)
    {
        var start = 0;
        for (var i = 1; i <= name.Length; i++)
        {
            var boundary = i == name.Length
                || name[i] == '_'
                || (char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                || (char.IsDigit(name[i]) != char.IsDigit(name[i - 1]));
            if (!boundary)
            {
                continue;
            }

            if (i > start && name[start] != '_')
            {
                yield return name.Substring(start, i - start);
            }

            start = i < name.Length && name[i] == '_' ? i + 1 : i;
        }
    }
}
