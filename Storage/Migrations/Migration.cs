namespace OrleansConsistency.Storage.Migrations;

/// <summary>One schema step. Versions only grow; a released step is never edited, a change is a new step.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
