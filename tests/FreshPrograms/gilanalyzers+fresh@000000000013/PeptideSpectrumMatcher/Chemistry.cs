using System;
using System.Linq;

namespace PeptideSpectrumMatcher
{
    internal static class Chemistry
    {
        public const string Residues = "GASPVTCLINDQKEMHFRYW";
        private static readonly double[] Masses = { 57.02146, 71.03711, 87.03203, 97.05276, 99.06841, 101.04768, 103.00919, 113.08406, 113.08406, 114.04293, 115.02694, 128.05858, 128.09496, 129.04259, 131.04049, 137.05891, 147.06841, 156.10111, 163.06333, 186.07931 };
        public const double Water = 18.01056, Proton = 1.00728, BinWidth = 1.0005;
        public const int Bins = 4000;

        public static double Residue(char c) => Masses[Residues.IndexOf(c)];
        public static double PeptideMass(string s) => s.Sum(Residue) + Water;

        // Sum of the binned intensities at the peptide's singly charged b and y ions.
        public static double Score(double[] binned, string peptide)
        {
            double b = Proton, y = PeptideMass(peptide) + Proton, score = 0;
            for (int i = 0; i < peptide.Length - 1; i++)
            {
                b += Residue(peptide[i]);
                y -= Residue(peptide[i]);
                score += binned[Math.Min(Bins - 1, (int)(b / BinWidth))] + binned[Math.Min(Bins - 1, (int)(y / BinWidth))];
            }
            return score;
        }
    }
}
