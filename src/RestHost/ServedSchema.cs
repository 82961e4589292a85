using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost;

/// <summary>
/// The feature schema of the session this host serves (<see cref="RestHostOptions.Schema"/>), read once at start-up, and
/// the request fields of <c>/fl_predict</c> derived from it. The model refresh checks it against the session's schema hash.
/// </summary>
internal sealed class ServedSchema
{
    public ServedSchema(FeatureSchema schema)
    {
        Schema = schema;
        Fields = new PredictFields(schema);
    }

    public FeatureSchema Schema { get; }

    public PredictFields Fields { get; }

    /// <summary>Resolves the setting: a built-in schema name, else the path of a schema JSON file.</summary>
    /// <exception cref="InvalidOperationException">Neither: the message names the setting and the reason.</exception>
    public static FeatureSchema Resolve(string setting)
    {
        switch (setting)
        {
            case CreditSchemas.GermanCreditName:
                return CreditSchemas.GermanCredit;
            case CreditSchemas.TaiwanCreditName:
                return CreditSchemas.TaiwanCredit;
        }

        if (!File.Exists(setting))
        {
            throw new InvalidOperationException($"RestHostOptions:Schema '{Excerpt.Of(setting)}' is neither a built-in schema ({CreditSchemas.GermanCreditName}, {CreditSchemas.TaiwanCreditName}) nor an existing schema file.");
        }

        try
        {
            return FeatureSchema.FromJson(File.ReadAllText(setting));
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"RestHostOptions:Schema '{Excerpt.Of(setting)}' cannot be used: {ex.Message}", ex);
        }
    }
}
