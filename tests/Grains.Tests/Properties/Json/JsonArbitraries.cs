using System.Globalization;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace OrleansConsistency.Grains.Tests.Properties.Json;

/// <summary>
/// Small JSON objects over a few field names, so that patches and documents overlap often: <see cref="JsonDocuments"/>
/// may hold anything (nulls too), <see cref="JsonPatches"/> is a merge patch (null removes), <see cref="NullFreeObjects"/>
/// has no null at any depth.
/// </summary>
public static class JsonArbitraries
{
    private static readonly string[] Names = ["a", "b", "c", "d"];

    public static Arbitrary<JsonDocuments> Documents() => Arb.From(Objects(withNulls: true).Select(text => new JsonDocuments(text)));

    public static Arbitrary<JsonPatches> Patches() => Arb.From(Objects(withNulls: true).Select(text => new JsonPatches(text)));

    public static Arbitrary<NullFreeObjects> NullFree() => Arb.From(Objects(withNulls: false).Select(text => new NullFreeObjects(text)));

    private static Gen<JsonText> Objects(bool withNulls) =>
        Gen.Sized(size => Object(Math.Min(size / 25, 3), withNulls)).Select(node => new JsonText(node.ToJsonString()));

    private static Gen<JsonObject> Object(int depth, bool withNulls) =>
        from count in Gen.Choose(0, Names.Length)
        from names in Gen.Shuffle(Names)
        from values in Gen.ArrayOf(Value(depth, withNulls), count)
        select new JsonObject(names.Take(count).Zip(values, (name, value) => KeyValuePair.Create<string, JsonNode?>(name, value)));

    private static Gen<JsonNode?> Value(int depth, bool withNulls)
    {
        var scalars = new List<(int, Gen<JsonNode?>)>
        {
            (3, Gen.Choose(-5, 5).Select(n => (JsonNode?)JsonValue.Create(n))),
            (2, Gen.Elements("x", "y", "z").Select(s => (JsonNode?)JsonValue.Create(s))),
            (1, Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b))),
        };
        if (withNulls)
        {
            scalars.Add((2, Gen.Constant<JsonNode?>(null)));
        }

        if (depth > 0)
        {
            scalars.Add((3, Object(depth - 1, withNulls).Select(o => (JsonNode?)o)));
            scalars.Add((1, Gen.ListOf(Gen.Choose(0, 3)).Select(items => (JsonNode?)new JsonArray([.. items.Take(3).Select(i => (JsonNode?)JsonValue.Create(i.ToString(CultureInfo.InvariantCulture)))]))));
        }

        return Gen.Frequency(scalars.ToArray());
    }
}
