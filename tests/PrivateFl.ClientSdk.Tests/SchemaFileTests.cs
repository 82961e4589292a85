using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Json.Schema;

namespace PrivateFl.ClientSdk.Tests;

/// <summary>
/// The schema file format (specs/schema.md, specs/schema.schema.json): the shipped built-in schema files, their
/// agreement with <see cref="CreditSchemas"/>, the JSON Schema, and the reader's errors on any input.
/// </summary>
public sealed class SchemaFileTests
{
    private static readonly Lazy<JsonSchema> FileFormat = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "specs", "schema.schema.json"))));

    public static TheoryData<string> BuiltInNames => [CreditSchemas.GermanCreditName, CreditSchemas.TaiwanCreditName];

    [Theory]
    [MemberData(nameof(BuiltInNames))]
    public void SchemaFile_ReadBack_HasTheBuiltInCanonicalFormByteForByte(string name)
    {
        FeatureSchema builtIn = CreditSchemas.Find(name)!;

        FeatureSchema fromFile = FeatureSchema.FromJson(File.ReadAllText(SchemaFilePath(name)));

        Assert.Equal(builtIn.ToJson(), fromFile.ToJson());
        Assert.Equal(builtIn.Hash, fromFile.Hash);
    }

    [Theory]
    [MemberData(nameof(BuiltInNames))]
    public void SchemaFile_ValidatesAgainstTheJsonSchema(string name)
    {
        EvaluationResults result = Evaluate(File.ReadAllText(SchemaFilePath(name)));

        Assert.True(result.IsValid, Describe(result));
    }

    [Theory]
    [MemberData(nameof(BuiltInNames))]
    public void CanonicalForm_ValidatesAgainstTheJsonSchema(string name)
    {
        EvaluationResults result = Evaluate(CreditSchemas.Find(name)!.ToJson());

        Assert.True(result.IsValid, Describe(result));
    }

    [Fact]
    public void CreditSchemas_Hashes_ArePinned()
    {
        // The files are now the one definition; these are the hashes the C# definitions had (specs/schema.md).
        Assert.Equal("8ef33cba", CreditSchemas.GermanCredit.Hash[..8]);
        Assert.Equal("05ce022f", CreditSchemas.TaiwanCredit.Hash[..8]);
    }

    [Fact]
    public void Find_UnknownName_IsNull()
    {
        Assert.Null(CreditSchemas.Find("no-such-schema"));
        Assert.Same(CreditSchemas.TaiwanCredit, CreditSchemas.Find("taiwan-credit"));
    }

    [Theory]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1}]}""", "$.label: is required")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1,"unit":"kg"}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].unit: is not a known property")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1,"transform":"sqrt"}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].transform: must be \"log\" or absent")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1,"clip":"yes"}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].clip: must be true or false")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"categorical","vocabulary":["x"],"clip":true}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].clip: is not a known property")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"categorical","vocabulary":["x"],"missingAs":null}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].missingAs: must be a string")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"categorical","vocabulary":["x"],"protected":1}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].protected: must be true or false")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":" A","kind":"categorical","vocabulary":["x"]}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].name: The column name ' A' is empty or has surrounding whitespace")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"categorical","vocabulary":["x","x"]}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].vocabulary: The category 'x' appears twice")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"categorical","vocabulary":[]}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.columns[0].vocabulary: The vocabulary of 'A' must contain at least one category")]
    [InlineData("""{"name":"t","version":0,"columns":[{"name":"A","kind":"numeric","min":0,"max":1}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.version: must be an integer from 1")]
    [InlineData("""{"$schema":7,"name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1}],"label":{"column":"L","positive":"1","negative":"0"}}""", "$.$schema: must be a string")]
    [InlineData("""{"name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1}],"label":{"column":"L","positive":"","negative":"0"}}""", "$.label.positive: The positive label '' is empty")]
    public void InvalidDocument_RefusedByTheJsonSchemaAndTheReaderNamingTheField(string json, string expected)
    {
        EvaluationResults result = Evaluate(json);
        FormatException exception = Assert.Throws<FormatException>(() => FeatureSchema.FromJson(json));

        Assert.False(result.IsValid);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_DollarSchemaMember_IsIgnoredAndNotCanonical()
    {
        const string Json = """{"$schema":"../../specs/schema.schema.json","name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1}],"label":{"column":"L","positive":"1","negative":"0"}}""";

        FeatureSchema schema = FeatureSchema.FromJson(Json);

        Assert.Equal("""{"name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1}],"label":{"column":"L","positive":"1","negative":"0"}}""", schema.ToJson());
    }

    [Fact]
    public void Clip_OnlyWhenSet_IsInTheCanonicalFormAfterTheTransform()
    {
        var clipped = new FeatureSchema("t", 1, [FeatureColumn.Numeric("A", 0, 100, NumericTransform.Log).WithClipping().AsProtected(), FeatureColumn.Numeric("B", 0, 1)], "L", "1", "0");

        string json = clipped.ToJson();

        Assert.Contains("""{"name":"A","kind":"numeric","min":0,"max":100,"transform":"log","clip":true,"protected":true}""", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"clip\"", json[json.IndexOf("\"B\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Equal(json, FeatureSchema.FromJson(json).ToJson());
        Assert.True(Evaluate(json).IsValid);
        Assert.NotEqual(new FeatureSchema("t", 1, [FeatureColumn.Numeric("A", 0, 100, NumericTransform.Log).AsProtected(), FeatureColumn.Numeric("B", 0, 1)], "L", "1", "0").Hash, clipped.Hash);
    }

    [Fact]
    public void FromJson_ClipFalse_IsTheSameAsAbsent()
    {
        FeatureSchema schema = FeatureSchema.FromJson("""{"name":"t","version":1,"columns":[{"name":"A","kind":"numeric","min":0,"max":1,"clip":false}],"label":{"column":"L","positive":"1","negative":"0"}}""");

        Assert.False(schema.Columns[0].ClipsOutOfRange);
        Assert.DoesNotContain("clip", schema.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-5", -1.0)]
    [InlineData("250", 1.0)]
    [InlineData("50", 0.0)]
    public void TryParse_ClippingColumn_ClipsOutOfRangeValuesToTheNearerEnd(string raw, double expectedScaled)
    {
        var schema = new FeatureSchema("t", 1, [FeatureColumn.Numeric("A", 0, 100).WithClipping()], "L", "1", "0");

        Assert.True(schema.Encoder.TryParse(0, raw, allowUnknownCategory: false, out Internal.ParsedValue value, out _));

        Assert.Equal(expectedScaled, Internal.FeatureEncoder.Scale(value.Number, 0, 100), 12);
        Assert.InRange(value.Number, 0, 100);
    }

    [Fact]
    public void TryParse_ColumnWithoutClipping_RefusesOutOfRangeValues()
    {
        var schema = new FeatureSchema("t", 1, [FeatureColumn.Numeric("A", 0, 100)], "L", "1", "0");

        Assert.False(schema.Encoder.TryParse(0, "250", allowUnknownCategory: false, out _, out string? reason));
        Assert.Contains("outside the declared range", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WithClipping_CategoricalColumn_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => FeatureColumn.Categorical("A", ["x"]).WithClipping());
    }

    /// <summary>Any text: the reader returns a schema or throws <see cref="FormatException"/>, never anything else.</summary>
    [Property(MaxTest = 500, Arbitrary = new[] { typeof(SchemaGarbage) })]
    public void FromJson_Garbage_ThrowsOnlyFormatException(string json) => ReadOrFormatException(json);

    /// <summary>Valid documents with one node replaced, removed or added: only <see cref="FormatException"/>, naming a JSON path.</summary>
    [Property(MaxTest = 500, Arbitrary = new[] { typeof(SchemaGarbage) })]
    public void FromJson_MutatedDocument_ThrowsOnlyFormatExceptionNamingAPath(MutatedSchema document)
    {
        FormatException? exception = ReadOrFormatException(document.Json);

        Assert.True(exception is null || exception.Message.StartsWith("Schema JSON, $", StringComparison.Ordinal) || exception.Message.StartsWith("The schema ", StringComparison.Ordinal), exception?.Message);
    }

    /// <summary>The JSON Schema is never stricter than the reader: every document the reader accepts validates.</summary>
    [Property(MaxTest = 300, Arbitrary = new[] { typeof(SchemaGarbage) })]
    public bool JsonSchema_AcceptsEveryDocumentTheReaderAccepts(MutatedSchema document) =>
        ReadOrFormatException(document.Json) is not null || Evaluate(document.Json).IsValid;

    private static FormatException? ReadOrFormatException(string json)
    {
        try
        {
            FeatureSchema.FromJson(json);
            return null;
        }
        catch (FormatException exception)
        {
            return exception;
        }
    }

    private static EvaluationResults Evaluate(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return FileFormat.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults result) =>
        string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    private static string SchemaFilePath(string name) => Path.Combine(AppContext.BaseDirectory, "data", "schemas", name + ".json");

    /// <summary>A schema document after one random edit.</summary>
    public sealed record MutatedSchema(string Json)
    {
        public override string ToString() => Json;
    }

    /// <summary>Random text, and the built-in schema files with one node replaced, removed or added.</summary>
    public static class SchemaGarbage
    {
        private static readonly string[] Sources = [.. new[] { CreditSchemas.GermanCreditName, CreditSchemas.TaiwanCreditName }.Select(name => File.ReadAllText(SchemaFilePath(name)))];

        public static Arbitrary<string> Text() => Arb.From(Gen.OneOf(
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
            Gen.Elements(Sources).SelectMany(source => Gen.Choose(0, source.Length - 1).SelectMany(at => Gen.Choose(0, 3).SelectMany(kind =>
                Gen.Elements("{", "}", "[", "]", "\"", ":", ",", "\\", "0", "-", "e", "\\ud800", "null").Select(piece => kind switch
                {
                    0 => source.Remove(at, 1),
                    1 => source.Insert(at, piece),
                    2 => source[..at],
                    _ => source.Remove(at, 1).Insert(at, piece),
                }))))));

        public static Arbitrary<MutatedSchema> Documents() => Arb.From(
            from source in Gen.Elements(Sources)
            from pick in Gen.Choose(0, 10_000)
            from edit in Gen.Choose(0, 2)
            from value in Values()
            select new MutatedSchema(Mutate(source, pick, edit, value)));

        private static Gen<Func<JsonNode?>> Values() => Gen.OneOf(
            Gen.Elements<Func<JsonNode?>>(
                () => null,
                () => JsonValue.Create(true),
                () => JsonValue.Create(false),
                () => JsonValue.Create(0),
                () => JsonValue.Create(-1),
                () => JsonValue.Create(2.5),
                () => JsonValue.Create(1e308),
                () => JsonValue.Create(long.MaxValue),
                () => JsonValue.Create(string.Empty),
                () => JsonValue.Create(" padded"),
                () => JsonValue.Create("tab\there"),
                () => JsonValue.Create("numeric"),
                () => JsonValue.Create("categorical"),
                () => JsonValue.Create("log"),
                () => JsonValue.Create("Age"),
                () => JsonValue.Create("\uD800"),
                () => new JsonArray(),
                () => new JsonArray("a", "a"),
                () => new JsonObject(),
                () => new JsonObject { ["x"] = "y" }),
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => (Func<JsonNode?>)(() => JsonValue.Create(s))));

        /// <summary>Replaces (edit 0), removes (1) or adds a sibling or element beside (2) the node numbered <paramref name="pick"/>.</summary>
        private static string Mutate(string source, int pick, int edit, Func<JsonNode?> value)
        {
            JsonNode root = JsonNode.Parse(source)!;
            var nodes = new List<(JsonNode Parent, string? Property, int Index)>();
            Collect(root, nodes);
            (JsonNode parent, string? property, int index) = nodes[pick % nodes.Count];
            if (parent is JsonObject obj)
            {
                switch (edit)
                {
                    case 0: obj[property!] = value(); break;
                    case 1: obj.Remove(property!); break;
                    default: obj["extra" + pick] = value(); break;
                }
            }
            else if (parent is JsonArray array)
            {
                switch (edit)
                {
                    case 0: array[index] = value(); break;
                    case 1: array.RemoveAt(index); break;
                    default: array.Insert(index, value()); break;
                }
            }

            return root.ToJsonString();
        }

        private static void Collect(JsonNode node, List<(JsonNode, string?, int)> nodes)
        {
            if (node is JsonObject obj)
            {
                foreach ((string name, JsonNode? child) in obj.ToList())
                {
                    nodes.Add((obj, name, -1));
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }
            }
            else if (node is JsonArray array)
            {
                for (int i = 0; i < array.Count; i++)
                {
                    nodes.Add((array, null, i));
                    if (array[i] is { } child)
                    {
                        Collect(child, nodes);
                    }
                }
            }
        }
    }
}
