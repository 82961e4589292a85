using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PrivateFl.Crypto.Tests.Vectors;

/// <summary>
/// Reads and (re)writes the golden-vector files under <c>specs/vectors/</c>. With the environment variable
/// <c>PRIVATEFL_REGENERATE_VECTORS=1</c> the generator's output is written to the file; otherwise it is compared
/// with the file, so a change of any derivation fails the suite until the vectors are regenerated on purpose.
/// </summary>
internal static class VectorFile
{
    public const string RegenerateVariable = "PRIVATEFL_REGENERATE_VECTORS";

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static bool Regenerating => Environment.GetEnvironmentVariable(RegenerateVariable) == "1";

    public static string PathOf(string fileName)
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PrivateFl.sln")))
            {
                return Path.Combine(directory.FullName, "specs", "vectors", fileName);
            }
        }

        throw new InvalidOperationException("The repository root (PrivateFl.sln) was not found above the test output directory.");
    }

    public static JsonObject Load(string fileName) =>
        JsonNode.Parse(File.ReadAllText(PathOf(fileName)))?.AsObject() ?? throw new InvalidOperationException($"{fileName} is empty.");

    public static string Serialize(JsonNode node) => node.ToJsonString(WriteOptions).ReplaceLineEndings("\n") + "\n";

    /// <summary>Writes <paramref name="generated"/> when regenerating; else returns the first path where the file differs (null when equal).</summary>
    public static string? WriteOrCompare(string fileName, JsonObject generated)
    {
        string path = PathOf(fileName);
        string text = Serialize(generated);
        if (Regenerating)
        {
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return null;
        }

        if (!File.Exists(path))
        {
            return $"{path} does not exist; run {RegenerateVariable}=1 (specs/vectors/README.md).";
        }

        JsonNode? stored = JsonNode.Parse(File.ReadAllText(path));
        return FirstDifference(stored, JsonNode.Parse(text), "$");
    }

    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (string key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{path}.{key} is only in the {(e.ContainsKey(key) ? "file" : "code's output")}";
                    }

                    string? difference = FirstDifference(e[key], a[key], $"{path}.{key}");
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return $"{path} has {e.Count} items in the file and {a.Count} from the code";
                }

                for (int i = 0; i < e.Count; i++)
                {
                    string? difference = FirstDifference(e[i], a[i], $"{path}[{i}]");
                    if (difference is not null)
                    {
                        return difference;
                    }
                }

                return null;
            default:
                return JsonNode.DeepEquals(expected, actual) ? null : $"{path}: file {expected?.ToJsonString()} but code {actual?.ToJsonString()}";
        }
    }
}
