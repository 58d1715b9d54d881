using OrleansConsistency.Storage;

namespace OrleansConsistency.Storage.Tests.Storage;

/// <summary>Short builders for the writes and records the storage tests commit.</summary>
internal static class TestWrites
{
    public const string TestGrainType = "test/counter";
    public const string Namespace = "resource/test";

    /// <summary>A fixed time with millisecond precision, as storage keeps it.</summary>
    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000);

    public static GrainStateWrite State(
        string grainId, string? expectedEtag, string? payload = """{"n":1}""", long? version = null, CommitRecords? records = null) =>
        new(TestGrainType, grainId, expectedEtag, payload, version, records ?? CommitRecords.None);

    public static CommitRecords Records(IntentRecord? intent = null, params EventRecord[] events) =>
        new(intent is null ? [] : [intent], events);

    public static IntentRecord Intent(string resourceId, string key, long? version = 1, DateTimeOffset? expiresAt = null) =>
        new(resourceId, key, "fp-" + key, version, $$"""{"status":"applied","key":"{{key}}"}""", Now, expiresAt ?? Now.AddHours(24));

    public static EventRecord Event(string streamKey, long version, string streamNamespace = Namespace, string? intentKey = null) =>
        new(streamNamespace, streamKey, version, "applied", intentKey, "corr-" + version, $$"""{"v":{{version}}}""", Now);

    /// <summary>Awaits a task and returns its exception, or null when it succeeded.</summary>
    public static async Task<Exception?> CaptureAsync(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
