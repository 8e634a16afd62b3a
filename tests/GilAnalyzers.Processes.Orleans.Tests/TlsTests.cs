using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit.Abstractions;

namespace GilAnalyzers.Processes.Orleans.Tests;

/// <summary>Mutual TLS with one cluster certificate: holders connect and run work, others cannot connect.</summary>
[Collection("cluster")]
public sealed class TlsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Silos_and_client_with_the_cluster_certificate_run_a_map_and_a_client_without_it_is_refused()
    {
        string folder = Directory.CreateTempSubdirectory("gil-tls-").FullName;
        try
        {
            string pfx = Path.Combine(folder, "cluster.pfx");
            string other = Path.Combine(folder, "other.pfx");
            WriteSelfSigned(pfx, "gil-cluster", "s3cret");
            WriteSelfSigned(other, "gil-cluster", "s3cret"); // same name, another key: must not be accepted

            await using LocalCluster cluster = await LocalCluster.StartAsync(2, () => new ClusterSiloOptions { TlsCertificatePath = pfx, TlsCertificatePassword = "s3cret" });
            ClusterPoolOptions good = cluster.PoolOptions();
            good.TlsCertificatePath = pfx;
            good.TlsCertificatePassword = "s3cret";
            await using (var pool = new ClusterPool(good))
            {
                await cluster.WaitUntilSeenAsync(pool);
                long[][] results = await pool.MapAsync<int, long[]>(ClusterWork.MixOnSilo, Enumerable.Range(0, 500), chunkSize: 10);
                Assert.Equal(Enumerable.Range(0, 500).Select(ClusterWork.Mix), results.Select(r => r[0]));
                Assert.Equal(2, results.Select(r => r[1]).Distinct().Count());
            }

            foreach ((string name, string? certificate) in new[] { ("no certificate", (string?)null), ("another certificate", other) })
            {
                ClusterPoolOptions bad = cluster.PoolOptions(noSiloTimeout: TimeSpan.FromSeconds(4));
                bad.TlsCertificatePath = certificate;
                bad.TlsCertificatePassword = "s3cret";
                await using var refused = new ClusterPool(bad);
                var error = await Assert.ThrowsAsync<ClusterUnavailableException>(() => refused.MapAsync<int, long>(ClusterWork.Mix, Enumerable.Range(0, 10)));
                output.WriteLine($"{name}: {error.Message}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void WriteSelfSigned(string path, string name, string password)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
    }
}
