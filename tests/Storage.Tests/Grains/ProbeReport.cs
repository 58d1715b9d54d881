namespace OrleansConsistency.Storage.Tests.Grains;

/// <summary>What a <see cref="IProbeCounterGrain"/> answers: its value and where it was computed.</summary>
/// <param name="Value">The counter's value in this activation (after the write, for Add).</param>
/// <param name="Silo">The silo hosting the activation.</param>
/// <param name="ActivationId">The activation's id: equal for calls served by the same activation.</param>
/// <param name="Activations">How many activations of this key the process has seen, this one included.</param>
[GenerateSerializer]
[Alias("oc.tests.ProbeReport")]
public sealed record ProbeReport(
    [property: Id(0)] long Value,
    [property: Id(1)] SiloAddress Silo,
    [property: Id(2)] string ActivationId,
    [property: Id(3)] int Activations);
