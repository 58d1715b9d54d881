using OrleansConsistency.Grains.Conflicts;
using OrleansConsistency.Grains.Interfaces.Conflicts;

namespace OrleansConsistency.Grains.Tests.Conflicts;

/// <summary>The sentences people read about conflicts name fields as people do and never show an idempotency key.</summary>
public sealed class ConflictMessagesTests
{
    private static readonly ChangeReference Theirs = new("theirs-1796171840307", 4, DateTimeOffset.UnixEpoch);

    [Fact]
    public void FieldNames_AreWords_NotJsonPointers()
    {
        Assert.Equal("'status'", ConflictMessages.Names(["/status"]));
        Assert.Equal("'address › city' and 'a/b'", ConflictMessages.Names(["/address/city", "/a~1b"]));
        Assert.Equal("the whole document", ConflictMessages.Names([""]));
    }

    [Fact]
    public void Messages_NameTheOtherChangesVersion_NotItsKey()
    {
        FieldConflict[] fields = [new("/status", null, null, null, FieldConflict.Pending, Theirs)];
        var messages = new[]
        {
            ConflictMessages.Parked(3, fields),
            ConflictMessages.Rejected(3, 4, fields),
            ConflictMessages.Merged("merge", 3, [fields[0] with { Outcome = FieldConflict.TheirsKept }]),
            ConflictMessages.Superseded(Theirs, ["/status"], "manual"),
        };

        Assert.All(messages, message =>
        {
            Assert.DoesNotContain(Theirs.Key, message, StringComparison.Ordinal);
            Assert.DoesNotContain("/status", message, StringComparison.Ordinal);
            Assert.Contains("version 4", message, StringComparison.Ordinal);
        });
        Assert.Contains("'status' was changed by another change (version 4)", messages[0], StringComparison.Ordinal);
    }
}
