using System;
using System.Linq;
using System.Text;

namespace ClassicCipherBreaker;

public static class English
{
    private static readonly string[] Words = ("the of and to in a is that for it as was with be by on not he this are or his from at which " +
        "but have an they you were her she there been one all we their has would when if so what out up more into no them some " +
        "could him time only new about two may then do first any like now my such over our man me even most made after also did " +
        "many before must through back years where much your way well down should because each just those people how too little " +
        "state good very make world still own see men work long get here between both life being under never day same another " +
        "know while last might us great old year off come since against go came right used take three").Split(' ');

    public static string Generate(int letters, int seed)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder(letters + 16);
        while (sb.Length < letters)
        {
            int rank = (int)(Words.Length * Math.Pow(rng.NextDouble(), 2.2));
            sb.Append(Words[rank].ToUpperInvariant());
        }
        return sb.ToString(0, letters);
    }

    public static float[] Trigrams(string training)
    {
        var counts = new double[26 * 26 * 26];
        for (int i = 0; i + 2 < training.Length; i++)
            counts[(training[i] - 'A') * 676 + (training[i + 1] - 'A') * 26 + (training[i + 2] - 'A')] += 1.0;
        double total = counts.Sum();
        return counts.Select(c => (float)Math.Log((c + 0.01) / total)).ToArray();
    }

    public static double Score(char[] text, int length, float[] tri)
    {
        double s = 0.0;
        for (int i = 0; i + 2 < length; i++) s += tri[(text[i] - 'A') * 676 + (text[i + 1] - 'A') * 26 + (text[i + 2] - 'A')];
        return s;
    }
}
