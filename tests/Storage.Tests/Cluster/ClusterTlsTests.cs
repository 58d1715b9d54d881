using OrleansConsistency.Silo.Hosting;
using OrleansConsistency.Storage.Tests.Grains;
using OrleansConsistency.TestSupport;

namespace OrleansConsistency.Storage.Tests.Cluster;

/// <summary>
/// Two product silos with <c>Silo:Cluster:Tls</c> on: calls cross from silo to silo, a client presenting the cluster's
/// certificate connects, and a client without TLS or with a certificate the silos do not know cannot.
/// </summary>
public sealed class ClusterTlsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a refused client is given. Orleans' test cluster keeps retrying a client whose handshake fails rather
    /// than throwing, so "cannot connect" is "has not connected by then"; a client with the certificate connects to the
    /// same cluster in about 3 s here.
    /// </summary>
    private static readonly TimeSpan RefusedBound = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task With_tls_on_calls_cross_silos_and_a_client_with_the_certificate_connects()
    {
        using var certificate = TlsCertificateFile.Create();
        await using var cluster = Build(certificate, client => client.AddClusterTls(Settings(certificate)));
        await cluster.DeployAsync().WaitAsync(Bound);
        var silos = cluster.Silos;
        Assert.Equal(2, silos.Count);

        // The activation lives on one silo, so the call entering by the other one crosses between them.
        var key = Guid.NewGuid().ToString();
        var reports = new List<ProbeReport>();
        foreach (var entry in new[] { cluster.GrainFactory, silos[0].GrainFactory, silos[1].GrainFactory })
        {
            reports.Add(await entry.GetGrain<IProbeCounterGrain>(key).Add(1).WaitAsync(Bound));
        }

        Assert.Equal([1L, 2, 3], reports.Select(r => r.Value));
        Assert.Single(reports.Select(r => r.ActivationId).Distinct());
    }

    [Fact]
    public async Task A_client_without_tls_cannot_connect()
    {
        using var certificate = TlsCertificateFile.Create();
        await using var cluster = Build(certificate, _ => { });
        await Assert.ThrowsAsync<TimeoutException>(() => cluster.DeployAsync().WaitAsync(RefusedBound));
    }

    [Fact]
    public async Task A_client_with_a_certificate_the_silos_do_not_know_cannot_connect()
    {
        using var certificate = TlsCertificateFile.Create();
        using var stranger = TlsCertificateFile.Create(subject: "CN=stranger");
        await using var cluster = Build(certificate, client => client.AddClusterTls(Settings(stranger)));
        await Assert.ThrowsAsync<TimeoutException>(() => cluster.DeployAsync().WaitAsync(RefusedBound));
    }

    private static ProductCluster Build(TlsCertificateFile certificate, Action<IClientBuilder> client) =>
        new ProductClusterBuilder(initialSilosCount: 2)
            .ConfigureSilo(options => options.Cluster.Tls = Settings(certificate))
            .ConfigureClient(client)
            .Build();

    private static ClusterTlsSettings Settings(TlsCertificateFile certificate) =>
        new() { Enabled = true, CertificatePath = certificate.Path, CertificatePassword = certificate.Password };
}
