using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Vendor.Licensing
{
    /// <summary>Managed port of KEYCHK.C (1998). Keeps the original's static work area and rolling carry.</summary>
    public static class LegacyKeyChecksum
    {
        public static readonly object SyncRoot = new object();
        private static readonly uint[] WorkArea = new uint[64];
        private static uint _carry = 0x5A17;

        public static uint Compute(string key)
        {
            for (int i = 0; i < WorkArea.Length; i++)
                WorkArea[i] = (uint)(key[i % key.Length] * (i + 1)) ^ _carry;
            for (int round = 0; round < 2000; round++)
            {
                for (int i = 0; i < WorkArea.Length; i++)
                    WorkArea[i] = (WorkArea[i] << 5 | WorkArea[i] >> 27) + WorkArea[(i + 13) % WorkArea.Length] * 0x9E3779B1u;
            }
            _carry = WorkArea[7] & 0xFFFF;
            return WorkArea[0] ^ WorkArea[31] ^ WorkArea[63];
        }
    }

    public static class LicenseValidator
    {
        private static readonly BigInteger Modulus;
        private static readonly BigInteger PrivateExponent;
        private static int _resigned;

        static LicenseValidator()
        {
            var bytes = new byte[64];
            new Random(1).NextBytes(bytes);
            bytes[0] |= 1; bytes[63] = 0x7F;
            Modulus = new BigInteger(bytes);
            new Random(2).NextBytes(bytes);
            bytes[63] = 0x3F;
            PrivateExponent = new BigInteger(bytes);
        }

        public static int Resigned => _resigned;

        public static string Resign(string licence)
        {
            BigInteger signature;
            lock (typeof(LicenseValidator))
            {
                byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(licence));
                var m = new BigInteger(digest, isUnsigned: true);
                signature = BigInteger.ModPow(m, PrivateExponent, Modulus);
            }
            lock (typeof(LicenseValidator))
            {
                _resigned++;
            }
            return Convert.ToBase64String(signature.ToByteArray());
        }
    }

    internal sealed class LicenceRecord
    {
        public string Customer;
        public string Key;
        public uint LegacyChecksum;
        public string NewSignature;
    }

    internal static class Program
    {
        private static void Main()
        {
            var rng = new Random(77);
            var records = new List<LicenceRecord>();
            for (int i = 0; i < 200; i++)
            {
                var key = new StringBuilder();
                for (int j = 0; j < 25; j++) key.Append((char)('A' + rng.Next(26)));
                records.Add(new LicenceRecord { Customer = $"CUST-{i:D5}", Key = key.ToString() });
            }

            // Nightly migration: old checksum for the audit trail, then a new signature for the v7 server.
            Parallel.ForEach(records, record =>
            {
                lock (LegacyKeyChecksum.SyncRoot)
                {
                    record.LegacyChecksum = LegacyKeyChecksum.Compute(record.Key);
                }
                record.NewSignature = LicenseValidator.Resign(record.Customer + "|" + record.Key);
            });

            int distinct = records.Select(r => r.LegacyChecksum).Distinct().Count();
            Console.WriteLine($"resigned={LicenseValidator.Resigned} legacyDistinct={distinct} sample={records[0].NewSignature[..16]}");
        }
    }
}
