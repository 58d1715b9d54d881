using Microsoft.Extensions.Configuration;
using OrleansConsistency.Silo.Hosting;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// The start-up checks of <c>Silo:Cluster:Tls</c>: a certificate a node could not use stops it with the setting's name,
/// and the password never appears in the message.
/// </summary>
public sealed class ClusterTlsSettingsTests
{
    [Fact]
    public void Off_by_default_and_then_needs_no_certificate()
    {
        var settings = new ClusterTlsSettings();
        Assert.False(settings.Enabled);
        settings.Validate();
    }

    [Fact]
    public void A_usable_certificate_is_accepted()
    {
        using var file = TlsCertificateFile.Create();
        var settings = Enabled(file.Path, file.Password);
        settings.AllowedThumbprints = ["AB:CD:" + new string('0', 36)];
        settings.Validate();
        using var certificate = settings.LoadCertificate();
        Assert.Equal(file.Thumbprint, certificate.Thumbprint);
    }

    [Fact]
    public void A_missing_path_is_refused()
    {
        var refused = Assert.Throws<ArgumentException>(() => Enabled(path: null, password: null).Validate());
        Assert.Contains("Silo:Cluster:Tls:CertificatePath", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pfx");
        var refused = Assert.Throws<ArgumentException>(() => Enabled(path, "x").Validate());
        Assert.Contains("Silo:Cluster:Tls:CertificatePath", refused.Message, StringComparison.Ordinal);
        Assert.Contains(path, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_password_is_refused_without_showing_it()
    {
        using var file = TlsCertificateFile.Create();
        const string wrong = "not-the-password-4711";
        var refused = Assert.Throws<ArgumentException>(() => Enabled(file.Path, wrong).Validate());
        Assert.Contains("Silo:Cluster:Tls:CertificatePassword", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(file.Password, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_pfx_is_refused()
    {
        using var file = TlsCertificateFile.Create();
        File.WriteAllText(file.Path, "not a certificate");
        var refused = Assert.Throws<ArgumentException>(() => Enabled(file.Path, file.Password).Validate());
        Assert.Contains("Silo:Cluster:Tls:CertificatePath", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        using var file = TlsCertificateFile.Create(withPrivateKey: false);
        var refused = Assert.Throws<ArgumentException>(() => Enabled(file.Path, file.Password).Validate());
        Assert.Contains("private key", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Silo:Cluster:Tls:CertificatePath", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_certificate_is_refused()
    {
        var now = DateTimeOffset.UtcNow;
        using var file = TlsCertificateFile.Create(notBefore: now.AddDays(-10), notAfter: now.AddDays(-1));
        var refused = Assert.Throws<ArgumentException>(() => Enabled(file.Path, file.Password).Validate());
        Assert.Contains("Silo:Cluster:Tls:CertificatePath", refused.Message, StringComparison.Ordinal);
        Assert.Contains("not now", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_thumbprint_is_refused()
    {
        using var file = TlsCertificateFile.Create();
        var settings = Enabled(file.Path, file.Password);
        settings.AllowedThumbprints = ["abc"];
        var refused = Assert.Throws<ArgumentException>(() => settings.Validate());
        Assert.Contains("Silo:Cluster:Tls:AllowedThumbprints", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_is_refused_naming_it()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Silo:Cluster:Tls:Enabled"] = "true",
            ["Silo:Cluster:Tls:CertificatePasword"] = "x",
        }).Build();
        var refused = Assert.Throws<ArgumentException>(() => ClusterTlsSettings.RefuseUnknownKeys(configuration.GetSection("Silo:Cluster:Tls")));
        Assert.Contains("Silo:Cluster:Tls:CertificatePasword", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cluster_options_check_the_certificate_even_for_a_single_silo()
    {
        var options = new SiloClusterOptions { Tls = Enabled(path: null, password: null) };
        var refused = Assert.Throws<ArgumentException>(() => options.Validate(storageIsPostgres: false));
        Assert.Contains("Silo:Cluster:Tls:CertificatePath", refused.Message, StringComparison.Ordinal);
    }

    private static ClusterTlsSettings Enabled(string? path, string? password) =>
        new() { Enabled = true, CertificatePath = path, CertificatePassword = password };
}
