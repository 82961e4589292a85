namespace PrivateFl.ClientSdk.Tests.Support;

/// <summary>The first rows of the Taiwan file, both as raw applicants (the CSV text, label left out) and as the loaded data set.</summary>
internal static class TaiwanRows
{
    private static readonly Lazy<(Applicant[] Applicants, CreditDataset Data)> Rows = new(() =>
    {
        string[] lines = [.. File.ReadLines(CreditFiles.PathOf("taiwan_credit_card_default.csv")).Take(41)];
        string[] header = lines[0].Split(',');
        Applicant[] applicants =
        [
            .. lines.Skip(1).Select(line => new Applicant(header.Zip(line.Split(','))
                .Where(p => p.First != CreditSchemas.TaiwanCredit.LabelColumn)
                .Select(p => new KeyValuePair<string, string?>(p.First, p.Second)))),
        ];
        CreditDataset data = DatasetLoader.LoadCsv(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines))), CreditSchemas.TaiwanCredit);
        return (applicants, data);
    });

    /// <summary>Gets the applicants of rows 1 to 40.</summary>
    public static IReadOnlyList<Applicant> Applicants => Rows.Value.Applicants;

    /// <summary>Gets the same 40 rows loaded.</summary>
    public static CreditDataset Data => Rows.Value.Data;

    /// <summary>Gets row <paramref name="index"/> (0-based) with some fields replaced or removed (a null replacement removes).</summary>
    public static Applicant With(int index, params (string Column, string? Value)[] changes)
    {
        var fields = Applicants[index].Fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        foreach ((string column, string? value) in changes)
        {
            if (value is null)
            {
                fields.Remove(column);
            }
            else
            {
                fields[column] = value;
            }
        }

        return new Applicant(fields);
    }

    /// <summary>Random weights of a model, seeded, in [−scale, scale].</summary>
    public static double[] RandomWeights(CreditModel model, int seed, double scale = 0.5)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, model.ParameterCount).Select(_ => ((2 * random.NextDouble()) - 1) * scale)];
    }
}
