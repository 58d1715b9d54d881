using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace OrleansConsistency.Silo.Hosting;

/// <summary>
/// TLS on Orleans' own connections (silo to silo, and client to gateway), bound from <c>Silo:Cluster:Tls</c>. Off by
/// default. On, every silo and every pure client presents the certificate of <see cref="CertificatePath"/> and
/// requires one from its peer (mutual TLS). A peer is accepted when its certificate is the same one this node presents
/// (one cluster certificate shared by all nodes: the simplest set-up), is listed in <see cref="AllowedThumbprints"/>
/// (a rotation, or one certificate per node), or chains to a certificate authority this machine trusts. Anything else
/// is refused during the handshake, before a single Orleans message is read.
/// </summary>
public sealed class ClusterTlsSettings
{
    private const string SectionPath = "Silo:Cluster:Tls";

    private static readonly string[] Names =
        [nameof(Enabled), nameof(CertificatePath), nameof(CertificatePassword), nameof(AllowedThumbprints)];

    /// <summary>True to encrypt and mutually authenticate silo-to-silo and client-to-gateway connections.</summary>
    public bool Enabled { get; set; }

    /// <summary>The PFX (PKCS#12) file holding this node's certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX file's password; empty or unset for a file without one. Never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// SHA-1 thumbprints (hex, as <c>openssl x509 -fingerprint -sha1</c> or Windows show them; colons and spaces
    /// ignored) of other certificates a peer may present, besides this node's own and CA-trusted ones.
    /// </summary>
    public string[] AllowedThumbprints { get; set; } = [];

    /// <summary>Throws when a key under <paramref name="section"/> is not one of these settings, naming it.</summary>
    /// <exception cref="ArgumentException">An unknown key.</exception>
    public static void RefuseUnknownKeys(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        foreach (var child in section.GetChildren())
        {
            if (!Names.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"{section.Path}:{child.Key} is not a TLS setting; the settings are {string.Join(", ", Names)}.");
            }
        }
    }

    /// <summary>
    /// When enabled, throws unless the certificate can be used: the file exists and opens with the password, holds a
    /// private key, and is valid now; and every allowed thumbprint is well formed. Checked at start-up so that a bad
    /// certificate stops the node with the setting's name instead of failing every connection later.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate(TimeProvider? time = null)
    {
        if (!Enabled)
        {
            return;
        }

        foreach (var thumbprint in AllowedThumbprints)
        {
            var normalized = Normalize(thumbprint);
            if (normalized.Length != 40 || !normalized.All(Uri.IsHexDigit))
            {
                throw new ArgumentException($"{SectionPath}:{nameof(AllowedThumbprints)} must hold SHA-1 thumbprints (40 hex digits); '{thumbprint}' is not one.");
            }
        }

        using var certificate = LoadCertificate(time);
    }

    /// <summary>Opens the configured certificate, checking it as <see cref="Validate"/> does; the caller disposes it.</summary>
    /// <exception cref="ArgumentException">The certificate cannot be used.</exception>
    public X509Certificate2 LoadCertificate(TimeProvider? time = null)
    {
        if (string.IsNullOrWhiteSpace(CertificatePath))
        {
            throw new ArgumentException($"{SectionPath}:{nameof(CertificatePath)} must name a PFX file when {SectionPath}:{nameof(Enabled)} is true.");
        }

        if (!File.Exists(CertificatePath))
        {
            throw new ArgumentException($"{SectionPath}:{nameof(CertificatePath)} names no readable file: '{CertificatePath}'.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, string.IsNullOrEmpty(CertificatePassword) ? null : CertificatePassword);
        }
        catch (CryptographicException e)
        {
            // The password is not part of the message: a wrong one and a damaged file look the same to PKCS#12.
            throw new ArgumentException(
                $"{SectionPath}:{nameof(CertificatePath)} '{CertificatePath}' could not be opened as a PFX with {SectionPath}:{nameof(CertificatePassword)}: wrong password or not a PKCS#12 file ({e.Message}).", e);
        }
        catch (IOException e)
        {
            throw new ArgumentException($"{SectionPath}:{nameof(CertificatePath)} '{CertificatePath}' could not be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"{SectionPath}:{nameof(CertificatePath)} '{CertificatePath}' could not be read: {e.Message}", e);
        }

        try
        {
            if (!certificate.HasPrivateKey)
            {
                throw new ArgumentException($"{SectionPath}:{nameof(CertificatePath)} '{CertificatePath}' holds no private key: a node cannot prove it owns the certificate without one.");
            }

            var now = (time ?? TimeProvider.System).GetUtcNow();
            if (now > certificate.NotAfter.ToUniversalTime() || now < certificate.NotBefore.ToUniversalTime())
            {
                throw new ArgumentException(
                    $"{SectionPath}:{nameof(CertificatePath)} '{CertificatePath}' is valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}, not now ({now:u}).");
            }

            return certificate;
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sets Orleans' TLS options: <paramref name="certificate"/> presented on both sides of every connection, a peer
    /// certificate required on both sides, and accepted by the rule in the class summary.
    /// </summary>
    public void ApplyTo(TlsOptions options, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(certificate);
        var accepted = AllowedThumbprints.Select(Normalize).Append(certificate.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        options.LocalCertificate = certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (remote, _, errors) => IsAccepted(remote, errors, accepted);
    }

    /// <summary>
    /// A peer is accepted when its certificate is a known one, or chains to a trusted authority. Nodes connect to each
    /// other by IP address, so a name mismatch is not a reason to refuse; a missing or untrusted certificate is.
    /// </summary>
    private static bool IsAccepted(X509Certificate2? remote, SslPolicyErrors errors, HashSet<string> accepted)
    {
        if (remote is null)
        {
            return false;
        }

        if (accepted.Contains(remote.Thumbprint))
        {
            return true;
        }

        return (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;
    }

    private static string Normalize(string thumbprint) =>
        new(thumbprint.Where(c => c is not (':' or ' ' or '-')).ToArray());
}
