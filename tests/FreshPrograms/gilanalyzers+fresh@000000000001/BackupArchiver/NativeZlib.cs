using System.Runtime.InteropServices;

namespace BackupArchiver;

/// <summary>Thin binding to the system zlib.</summary>
internal static class NativeZlib
{
    private const string Library = "libz.so.1";

    public const int Ok = 0;

    [DllImport(Library, EntryPoint = "compress2")]
    public static extern int Compress2(byte[] dest, ref ulong destLen, byte[] source, ulong sourceLen, int level);

    [DllImport(Library, EntryPoint = "compressBound")]
    public static extern ulong CompressBound(ulong sourceLen);
}
