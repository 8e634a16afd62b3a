using System;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace GilAnalyzers.Processes.Orleans;

/// <summary>
/// Mutual TLS with one cluster certificate (Microsoft.Orleans.Connections.Security): every silo and client presents the
/// same certificate (a PKCS#12 file with its private key) and accepts a peer only when it presents that certificate
/// too (pinned by thumbprint). Traffic between silos and between client and gateways is encrypted, and only holders of
/// the certificate can join the cluster or send it work — which matters, since the work is code of the application
/// that the silos run on request.
/// </summary>
internal static class ClusterTls
{
    public static X509Certificate2 Load(string path, string? password)
    {
        var certificate = new X509Certificate2(path, password, X509KeyStorageFlags.EphemeralKeySet);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException($"The TLS certificate '{path}' has no private key: give the cluster's PKCS#12 (.pfx) file.");
        }

        return certificate;
    }

    public static void Configure(TlsOptions options, X509Certificate2 certificate)
    {
        string thumbprint = certificate.Thumbprint;
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, _) => string.Equals(remote.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase);
        options.OnAuthenticateAsClient = (_, client) => client.TargetHost = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
    }
}
