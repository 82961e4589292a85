using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>The feature schema of this bank's data (<see cref="RestHostOptions.Schema"/>), resolved once at start-up.</summary>
internal sealed class HostSchema(FeatureSchema schema)
{
    public FeatureSchema Schema { get; } = schema;

    /// <summary>Reads the setting: a built-in schema's name, or else the path of a schema file.</summary>
    /// <returns>The schema, or why the setting names none (a message naming the setting).</returns>
    public static (FeatureSchema? Schema, string? Problem) Resolve(string? setting)
    {
        if (string.IsNullOrWhiteSpace(setting))
        {
            return (null, "RestHostOptions:Schema must name a built-in schema (german-credit, taiwan-credit) or a schema file.");
        }

        if (CreditSchemas.Find(setting) is { } builtIn)
        {
            return (builtIn, null);
        }

        if (!File.Exists(setting))
        {
            return (null, $"RestHostOptions:Schema '{setting}' is neither a built-in schema ({string.Join(", ", CreditSchemas.All.Select(s => s.Name))}) nor an existing schema file.");
        }

        try
        {
            return (FeatureSchema.FromJson(File.ReadAllText(setting)), null);
        }
        catch (FormatException ex)
        {
            return (null, $"RestHostOptions:Schema '{setting}' is not a valid schema file: {ex.Message}");
        }
        catch (IOException ex)
        {
            return (null, $"RestHostOptions:Schema '{setting}' cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            return (null, $"RestHostOptions:Schema '{setting}' cannot be read: {ex.Message}");
        }
    }
}
