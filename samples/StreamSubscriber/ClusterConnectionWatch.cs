namespace OrleansConsistency.StreamSubscriber;

/// <summary>
/// Ends the program when the client loses every gateway: a follower whose cluster is gone would otherwise wait
/// forever for transitions that cannot come, and the person running it would not know.
/// </summary>
internal sealed class ClusterConnectionWatch : IClusterConnectionStatusObserver
{
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the connection to the cluster is lost.</summary>
    public Task Lost => _lost.Task;

    public void NotifyClusterConnectionLost() => _lost.TrySetResult();

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
    }
}
