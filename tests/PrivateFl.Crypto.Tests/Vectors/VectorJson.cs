using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// How the vectors write values: bytes as lowercase hex, uint32 vectors as arrays of numbers, 64-bit field
/// elements as decimal strings (JSON numbers lose precision above 2^53), messages as their records with
/// snake_case members (the names of the proto fields that carry them).
/// </summary>
internal static class VectorJson
{
    public static readonly JsonSerializerOptions MessageOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new HexMemoryConverter(), new UInt32MemoryConverter(), new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Bytes(JsonNode? node) => Convert.FromHexString(Text(node));

    public static string Text(JsonNode? node) => node?.GetValue<string>() ?? throw new InvalidOperationException("A vector field is missing.");

    public static int Int(JsonNode? node) => node?.GetValue<int>() ?? throw new InvalidOperationException("A vector field is missing.");

    public static long Long(JsonNode? node) => node?.GetValue<long>() ?? throw new InvalidOperationException("A vector field is missing.");

    public static JsonArray Words(ReadOnlySpan<uint> words)
    {
        var array = new JsonArray();
        foreach (uint word in words)
        {
            array.Add(word);
        }

        return array;
    }

    public static uint[] Words(JsonNode? node) => [.. node!.AsArray().Select(w => w!.GetValue<uint>())];

    public static JsonArray Ints(IEnumerable<int> values) => [.. values.Select(v => (JsonNode)v)];

    public static int[] Ints(JsonNode? node) => [.. node!.AsArray().Select(v => v!.GetValue<int>())];

    public static JsonNode Message<T>(T message) => JsonSerializer.SerializeToNode(message, MessageOptions)!;

    public static T Message<T>(JsonNode? node) => node.Deserialize<T>(MessageOptions) ?? throw new InvalidOperationException($"A {typeof(T).Name} vector is missing.");

    private sealed class HexMemoryConverter : JsonConverter<ReadOnlyMemory<byte>>
    {
        public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Convert.FromHexString(reader.GetString() ?? string.Empty);

        public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Convert.ToHexStringLower(value.Span));
    }

    private sealed class UInt32MemoryConverter : JsonConverter<ReadOnlyMemory<uint>>
    {
        public override ReadOnlyMemory<uint> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            JsonSerializer.Deserialize<uint[]>(ref reader) ?? [];

        public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<uint> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (uint word in value.Span)
            {
                writer.WriteNumberValue(word);
            }

            writer.WriteEndArray();
        }
    }
}
