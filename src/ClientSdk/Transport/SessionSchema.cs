using PrivateFl.Protocol.V1;

namespace PrivateFl.ClientSdk.Transport;

/// <summary>
/// The feature schema a session carries (<c>SessionInfo.schema_json</c>, specs/schema.md): read with the SDK's own
/// reader and accepted only when its SHA-256 is the session's schema hash, so a server cannot hand a bank a schema
/// other than the one the session's hash (and every other bank) names.
/// </summary>
internal static class SessionSchema
{
    /// <summary>Reads the schema of a session; <see langword="null"/> when the session carries none.</summary>
    /// <exception cref="SchemaMismatchException">The schema cannot be read, or does not hash to the session's schema hash.</exception>
    public static FeatureSchema? Read(SessionInfo info)
    {
        if (info.SchemaJson.Length == 0)
        {
            return null;
        }

        FeatureSchema schema;
        try
        {
            schema = FeatureSchema.FromJson(info.SchemaJson);
        }
        catch (FormatException ex)
        {
            throw new SchemaMismatchException($"Session '{info.SessionId}' carries a schema this SDK cannot read: {ex.Message}", ex);
        }

        return string.Equals(schema.Hash, info.SchemaHash, StringComparison.Ordinal)
            ? schema
            : throw new SchemaMismatchException($"Session '{info.SessionId}' carries a schema whose SHA-256 is {schema.Hash}, not the session's schema hash {info.SchemaHash}: refused.");
    }

    /// <summary>Names the first difference between the session's schema and the bank's, for the mismatch message.</summary>
    public static string Describe(FeatureSchema session, FeatureSchema data)
    {
        if (!string.Equals(session.Name, data.Name, StringComparison.Ordinal) || session.Version != data.Version)
        {
            return $"The session's schema is '{session.Name}' version {session.Version}; the data's is '{data.Name}' version {data.Version}.";
        }

        for (int i = 0; i < Math.Max(session.Columns.Count, data.Columns.Count); i++)
        {
            if (i >= session.Columns.Count)
            {
                return $"The data's schema has a column the session's does not: '{data.Columns[i].Name}' (column {i}).";
            }

            if (i >= data.Columns.Count)
            {
                return $"The session's schema has a column the data's does not: '{session.Columns[i].Name}' (column {i}).";
            }

            FeatureColumn expected = session.Columns[i];
            FeatureColumn actual = data.Columns[i];
            if (!SameColumn(expected, actual))
            {
                return $"Column {i} differs: the session's schema has {Details(expected)}; the data's has {Details(actual)}.";
            }
        }

        return $"The label differs: the session's schema has '{session.LabelColumn}' ({session.PositiveLabel}/{session.NegativeLabel}); the data's has '{data.LabelColumn}' ({data.PositiveLabel}/{data.NegativeLabel}).";
    }

    private static bool SameColumn(FeatureColumn a, FeatureColumn b) => string.Equals(Details(a), Details(b), StringComparison.Ordinal);

    private static string Details(FeatureColumn column) =>
        column.Kind == FeatureKind.Numeric
            ? column.ToString()
            : $"{column} aliases {{{string.Join(", ", column.Aliases.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"'{a.Key}'→'{a.Value}'"))}}}{(column.MissingAs is null ? string.Empty : $" missing as '{column.MissingAs}'")}";
}
