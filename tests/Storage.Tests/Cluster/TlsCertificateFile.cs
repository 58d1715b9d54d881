using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// A self-signed certificate written to a temporary PFX file, as an operator would hand one to a node; the directory
/// is deleted on dispose.
/// </summary>
public sealed class TlsCertificateFile : IDisposable
{
    private readonly string _directory;

    private TlsCertificateFile(string directory, string path, string password, string thumbprint)
    {
        _directory = directory;
        Path = path;
        Password = password;
        Thumbprint = thumbprint;
    }

    /// <summary>The PFX file.</summary>
    public string Path { get; }

    /// <summary>The PFX file's password.</summary>
    public string Password { get; }

    /// <summary>The certificate's SHA-1 thumbprint.</summary>
    public string Thumbprint { get; }

    /// <summary>
    /// Creates a certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (by default from a
    /// minute ago for a day), with its private key in the file unless <paramref name="withPrivateKey"/> is false.
    /// </summary>
    public static TlsCertificateFile Create(string subject = "CN=orleansconsistency-cluster", bool withPrivateKey = true, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);

        // Both ends of an Orleans connection present it, so it is for client and server authentication alike.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(notBefore ?? now.AddMinutes(-1), notAfter ?? now.AddDays(1));

        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "orleansconsistency-tls", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, "node.pfx");
        var password = Guid.NewGuid().ToString("N");
        if (withPrivateKey)
        {
            File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        }
        else
        {
            using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
            File.WriteAllBytes(path, publicOnly.Export(X509ContentType.Pfx, password));
        }

        return new TlsCertificateFile(directory, path, password, certificate.Thumbprint);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp file is harmless.
        }
    }
}
