using System.Runtime.InteropServices;

namespace MortgagePortfolioPricer;

/// <summary>
/// Bindings for the desk's legacy C pricing library. The library keeps the active curve in globals, so every
/// call sequence (set curve, then query) must be done under <see cref="Sync"/>.
/// </summary>
internal static class NativeCurveLib
{
    private const string Library = "libmbscurve";

    public static readonly object Sync = new object();

    public static bool TryLoad()
    {
        return NativeLibrary.TryLoad(Library, typeof(NativeCurveLib).Assembly, null, out _);
    }

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern void mbs_set_curve(double[] tenors, double[] zeroRates, int count);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern double mbs_discount(double years);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern double mbs_prepay_smm(double couponSpread, int ageMonths);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    public static extern int mbs_warning_count();
}
