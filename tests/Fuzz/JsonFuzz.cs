using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace ScenarioEngine.Testing.Fuzz;

/// <summary>
/// FsCheck generators of hostile JSON for the parsers and the HTTP endpoints: random trees over a format's own field names (with
/// duplicate keys and wrong types), mutations of valid documents, deep nesting, huge numbers and strings, escaped lone surrogates,
/// truncated text and, for bodies, invalid UTF-8 bytes. Cases come from a fixed seed, so a run is the same every time and a
/// failure names the case number that reproduces it.
/// </summary>
public static class JsonFuzz
{
    /// <summary>The seed every fuzz test starts from.</summary>
    public const ulong Seed = 20261202;

    private static readonly string[] CommonKeys = ["", "$schema", "__proto__", "x", "id", "name", "type"];

    /// <summary>JSON literals that stress number and string handling (raw JSON text).</summary>
    private static readonly string[] Literals =
    [
        "0", "-1", "1.5", "-0", "1e400", "-1e400", "1E-400", "123456789012345678901234567890", "2147483648", "-2147483649",
        "9007199254740993", "true", "false", "null", "\"\"", "\" \"", "\"x\"", "\"\\uD800\"", "\"a\\uDC00b\"", "\"\\u0000\"",
        "\"日本語\"", "\"=cmd|'/C calc'!A0\"", "\"{{profile.firstName}}\"", "\"{{#if}}\"", "\"{{\"", "\"P3D\"", "\"PT2H\"", "\"P\"",
        "\"2026-01-05T10:00:00+09:00\"", "\"2999-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"", "\"10:00\"", "\"25:61\"",
        "\"email\"", "\"postcard\"", "\"line\"", "\"webhook\"", "\"purchase\"", "\"send\"", "\"wait\"", "\"exit\"", "\"branch\"",
        "\"split\"", "\"update\"", "\"waitForEvent\"", "\"profile.email\"", "\"event.amount\"", "\"orders.count\"", "\"tags\"",
    ];

    /// <summary>Hostile documents for a format: mostly mutations of <paramref name="seeds"/>, some random trees over <paramref name="keys"/>, some pathological texts.</summary>
    public static Gen<string> Documents(IReadOnlyList<string> seeds, IReadOnlyList<string> keys)
    {
        var allKeys = keys.Concat(CommonKeys).Distinct(StringComparer.Ordinal).ToArray();
        var trees = seeds.Select(Node.Parse).ToArray();
        return Gen.Frequency(
            (6, Mutated(trees, allKeys).Select(n => n.ToJson())),
            (2, Tree(allKeys, 4).Select(n => n.ToJson())),
            (2, Pathological(seeds)));
    }

    /// <summary>Request bodies: <see cref="Documents"/> as UTF-8, one in five with invalid UTF-8 byte sequences spliced in.</summary>
    public static Gen<byte[]> Bodies(IReadOnlyList<string> seeds, IReadOnlyList<string> keys) =>
        from text in Documents(seeds, keys)
        from broken in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from at in Gen.Choose(0, 1_000_000)
        from bad in Gen.Elements<byte[]>([0xFF], [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82])
        select broken ? Splice(Encoding.UTF8.GetBytes(text), at, bad) : Encoding.UTF8.GetBytes(text);

    /// <summary>A fixed list of <paramref name="count"/> cases from <see cref="Seed"/> (size 30).</summary>
    public static T[] Cases<T>(Gen<T> gen, int count) => gen.Sample(count, new Rnd(Seed), 30);

    /// <summary>
    /// The documents of a samples folder (journeys, messages, segments: one per file; events: one per line of each .jsonl file),
    /// found from the test's directory upwards.
    /// </summary>
    public static IReadOnlyList<string> Samples(string kind)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ScenarioEngine.sln")))
        {
            dir = dir.Parent;
        }

        if (dir is null)
        {
            throw new InvalidOperationException("The repository root (ScenarioEngine.sln) is not above " + AppContext.BaseDirectory);
        }

        var folder = Path.Combine(dir.FullName, "samples", kind);
        return kind == "events"
            ? Directory.GetFiles(folder, "*.jsonl").Order(StringComparer.Ordinal).SelectMany(File.ReadAllLines).Where(l => l.Trim().Length > 0).ToList()
            : Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
    }

    /// <summary>A short description of a case for a failure message.</summary>
    public static string Describe(string text) => text.Length <= 600 ? text : text[..300] + $"...({text.Length:N0} characters)..." + text[^200..];

    private static byte[] Splice(byte[] bytes, int at, byte[] bad)
    {
        var position = bytes.Length == 0 ? 0 : at % (bytes.Length + 1);
        return [.. bytes.AsSpan(0, position), .. bad, .. bytes.AsSpan(position)];
    }

    private static Gen<Node> Scalar(string[] keys) => Gen.Frequency(
        (4, Gen.Elements(Literals).Select(l => (Node)new Raw(l))),
        (2, Gen.Elements(keys).Select(k => (Node)new Raw(JsonSerializer.Serialize(k)))),
        (1, Gen.Choose(0, 10_000).Select(n => (Node)new Raw(JsonSerializer.Serialize(new string('x', n))))));

    private static Gen<Node> Tree(string[] keys, int depth)
    {
        if (depth == 0)
        {
            return Scalar(keys);
        }

        var child = Gen.Sized(size => Tree(keys, Math.Min(depth - 1, size / 8 + 1)));
        var member = from k in Gen.Elements(keys) from v in child select (k, v);
        return Gen.Frequency(
            (3, Scalar(keys)),
            (2, Gen.Choose(0, 5).SelectMany(n => member.ListOf(n)).Select(m => (Node)new Obj([.. m]))),
            (1, Gen.Choose(0, 4).SelectMany(n => child.ListOf(n)).Select(i => (Node)new Arr([.. i]))));
    }

    private static Gen<Node> Mutated(Node[] seeds, string[] keys) =>
        from seed in Gen.Elements(seeds)
        from edits in Gen.Choose(1, 3).SelectMany(n => Edit(keys).ListOf(n))
        select edits.Aggregate(seed, (node, edit) => edit(node));

    private static Gen<Func<Node, Node>> Edit(string[] keys) =>
        from target in Gen.Choose(0, 10_000)
        from op in Gen.Choose(0, 6)
        from key in Gen.Elements(keys)
        from value in Tree(keys, 2)
        select (Func<Node, Node>)(root => Node.Apply(root, target % root.Count, node => op switch
        {
            0 => value,
            1 when node is Obj o && o.Members.Count > 0 => new Obj([.. o.Members.Where((_, i) => i != target % o.Members.Count)]),
            2 when node is Obj o && o.Members.Count > 0 => new Obj([.. o.Members, (o.Members[target % o.Members.Count].Key, value)]),
            3 when node is Obj o => new Obj([.. o.Members, (key, value)]),
            4 when node is Arr a => new Arr([.. a.Items, value]),
            5 => new Arr([node]),
            6 when node is Obj o && o.Members.Count > 0 => new Obj([.. o.Members.Select((m, i) => i == target % o.Members.Count ? (m.Key, Wrong(m.Value)) : m)]),
            _ => value,
        }));

    // The same member with a value of another JSON type.
    private static Node Wrong(Node node) => node switch
    {
        Obj => new Raw("[]"),
        Arr => new Raw("{}"),
        Raw r when r.Text.StartsWith('"') => new Raw("42"),
        _ => new Raw("\"42\""),
    };

    private static Gen<string> Pathological(IReadOnlyList<string> seeds) => Gen.OneOf(
        Gen.Elements(63, 64, 65, 200, 10_000, 200_000).Select(n => new string('[', n) + new string(']', n)),
        Gen.Elements(63, 64, 65, 2_000).Select(n => string.Concat(Enumerable.Repeat("{\"id\":", n)) + "1" + new string('}', n)),
        from seed in Gen.Elements(seeds.ToArray()) from cut in Gen.Choose(0, 10_000) select seed[..(cut % (seed.Length + 1))],
        from seed in Gen.Elements(seeds.ToArray()) from n in Gen.Elements(100_000, 1_100_000) select seed.Insert(seed.IndexOf('"', StringComparison.Ordinal) + 1, new string('y', n)),
        Gen.Elements("", " ", "null", "[]", "{}", "\"x\"", "42", "1e400", "{\"id\":\"a\",\"id\":\"b\"}", "{'id':'x'}", "{\"a\":1,}", "/* c */ {}", "\uFEFF{}"));

    /// <summary>A JSON tree that keeps what System.Text.Json would normalise away: duplicate keys and raw literals.</summary>
    private abstract record Node
    {
        public abstract int Count { get; }

        public string ToJson()
        {
            var builder = new StringBuilder();
            Write(builder);
            return builder.ToString();
        }

        public abstract void Write(StringBuilder builder);

        public static Node Parse(string json)
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return From(doc.RootElement);
        }

        private static Node From(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => new Obj([.. e.EnumerateObject().Select(p => (p.Name, From(p.Value)))]),
            JsonValueKind.Array => new Arr([.. e.EnumerateArray().Select(From)]),
            _ => new Raw(e.GetRawText()),
        };

        /// <summary>Replaces the <paramref name="index"/>-th node (pre-order) by <paramref name="edit"/> of it.</summary>
        public static Node Apply(Node root, int index, Func<Node, Node> edit)
        {
            var remaining = index;
            return Walk(root);

            Node Walk(Node node)
            {
                if (remaining-- == 0)
                {
                    return edit(node);
                }

                return node switch
                {
                    Obj o => new Obj([.. o.Members.Select(m => (m.Key, Walk(m.Value)))]),
                    Arr a => new Arr([.. a.Items.Select(Walk)]),
                    _ => node,
                };
            }
        }
    }

    private sealed record Raw(string Text) : Node
    {
        public override int Count => 1;

        public override void Write(StringBuilder builder) => builder.Append(Text);
    }

    private sealed record Arr(List<Node> Items) : Node
    {
        public override int Count => 1 + Items.Sum(i => i.Count);

        public override void Write(StringBuilder builder)
        {
            builder.Append('[');
            for (var i = 0; i < Items.Count; i++)
            {
                builder.Append(i == 0 ? "" : ",");
                Items[i].Write(builder);
            }

            builder.Append(']');
        }
    }

    private sealed record Obj(List<(string Key, Node Value)> Members) : Node
    {
        public override int Count => 1 + Members.Sum(m => m.Value.Count);

        public override void Write(StringBuilder builder)
        {
            builder.Append('{');
            for (var i = 0; i < Members.Count; i++)
            {
                builder.Append(i == 0 ? "" : ",").Append(JsonSerializer.Serialize(Members[i].Key)).Append(':');
                Members[i].Value.Write(builder);
            }

            builder.Append('}');
        }
    }
}
