namespace OrleansConsistency.Bench.HttpBenchmarks;

/// <summary>A database's statements for the plain baseline; parameters are @type, @id, @key, @next, @old, @document, @status, @answer, @payload (and @now where the database takes the time from the client).</summary>
internal sealed record PlainSql(string SelectResource, string FindIntent, string InsertResource, string UpdateResource, string InsertIntent, string InsertEvent);
