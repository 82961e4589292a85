using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using PrivateFl.ClientSdk;

namespace PrivateFl.RestHost.Tests;

/// <summary>
/// Generators and properties for the parsers that take outside bytes: the CSV reader, the request and applicant
/// parsers, the schema reader. Each property holds when the parser returns a result or the documented error and
/// nothing else, and leaves no state changed. Shared by the tests (a few hundred inputs) and the bench command
/// <c>fuzz-parsers</c> (10^5 inputs per parser), which compiles this file in.
/// </summary>
public static class ParserFuzz
{
    private const int MaxRows = 50;

    private static readonly FeatureSchema Schema = CreditSchemas.GermanCredit;
    private static readonly string SchemaHash = Schema.Hash;
    private static readonly string SchemaJson = Schema.ToJson();
    private static readonly CreditPredictor Predictor = new(Schema, new double[Schema.EncodedLength + 1]);
    private static readonly PredictFields Fields = new(Schema);
    private static readonly RestHostOptions Limits = new();

    private static readonly string[] Tokens =
    [
        string.Empty, " ", ",", "\"", "\"\"", "\r\n", "\n", "\r", "\0", "\t", ";", "NA", "male", "female", "own", "free", "rent",
        "little", "moderate", "rich", "quite rich", "car", "radio/TV", "business", "good", "bad", "-3", "999", "1169", "0.5", "-0",
        "+1", "1e309", "NaN", "Infinity", "∞", "\uFEFF", "é", "\ud800", "\udc00", "😀", "ǅ", new string('x', 100), "Age", "Sex", "Job",
        "Housing", "Saving accounts", "Checking account", "Credit amount", "Duration", "Purpose", "Risk", "=cmd|' /C calc'!A0",
    ];

    private static readonly string[] FieldNames =
    [
        "age", "sex", "job", "housing", "credit", "credit_amount", "duration", "purpose", "saving_accounts", "checking_account",
        "Age", "CREDIT", "addr", "Addr", "", "x\0y", "\ud800", "é", new string('k', 60),
    ];

    private static readonly string[] Header = [string.Empty, .. Schema.Columns.Select(c => c.Name), Schema.LabelColumn];

    /// <summary>CSV files: valid rows, damaged rows and headers, token soup, and raw bytes, in UTF-8 or UTF-16.</summary>
    public static Arbitrary<byte[]> CsvInputs()
    {
        Gen<string> token = Gen.Elements(Tokens);
        Gen<string> soup = Gen.ListOf(token).Select(t => string.Concat(t));
        Gen<string> validRow = Gen.CollectToArray(Schema.Columns.Select(ValueOf).Append(Gen.Elements("good", "bad")))
            .Select(values => "0," + string.Join(",", values));
        Gen<string> damagedRow = Gen.OneOf(validRow, soup, validRow.SelectMany(r => token.Select(t => r.Insert(r.Length / 2, t))));
        Gen<string> header = Gen.OneOf(
            Gen.Constant(string.Join(",", Header)),
            Gen.Shuffle(Header).Select(h => string.Join(",", h)),
            soup);
        Gen<string> file = header.SelectMany(h => Gen.ListOf(Gen.Frequency((3, validRow), (2, damagedRow))).Select(rows => h + "\n" + string.Join("\n", rows) + "\n"));
        return Arb.From(Gen.Frequency(
            (6, file.Select(Encoding.UTF8.GetBytes)),
            (1, file.Select(f => Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(f)).ToArray())),
            (2, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)))));
    }

    /// <summary>Request bodies: JSON objects (duplicate keys, odd values, broken escapes, invalid UTF-8), forms, and noise, under several content types.</summary>
    public static Arbitrary<(string ContentType, byte[] Body)> Requests()
    {
        Gen<string> name = Gen.Elements(FieldNames);
        Gen<string> text = Gen.ListOf(Gen.Elements(Tokens)).Select(t => string.Concat(t.Take(6)));
        Gen<string> jsonValue = Gen.OneOf(
            text.Select(t => System.Text.Json.JsonSerializer.Serialize(t)),
            Gen.Choose(-1000, 100_000).Select(i => i.ToString(CultureInfo.InvariantCulture)),
            Gen.Elements("null", "true", "1e400", "-0.0", "{}", "[1,[2]]", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\u0000b\"", "\"\\x\"", "{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}"));
        Gen<string> json = Gen.ListOf(name.SelectMany(n => jsonValue.Select(v => System.Text.Json.JsonSerializer.Serialize(n) + ":" + v)))
            .Select(pairs => "{" + string.Join(",", pairs) + "}");
        Gen<string> form = Gen.ListOf(name.SelectMany(n => text.Select(v => Uri.EscapeDataString(n) + "=" + Uri.EscapeDataString(v))))
            .SelectMany(pairs => Gen.Elements(string.Empty, "&%00=%FF", "&a=%ED%A0%80", "&&=&", "&b=%zz").Select(extra => string.Join("&", pairs) + extra));
        Gen<byte[]> jsonBytes = Gen.OneOf(
            json.Select(Encoding.UTF8.GetBytes),
            json.SelectMany(j => Gen.Choose(0, j.Length).Select(cut => Encoding.UTF8.GetBytes(j[..cut]))),
            json.SelectMany(j => Gen.Elements<byte[]>([0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0x00]).Select(bad => Encoding.UTF8.GetBytes(j).Take(j.Length / 2).Concat(bad).Concat(Encoding.UTF8.GetBytes(j).Skip(j.Length / 2)).ToArray())));
        return Arb.From(Gen.OneOf(
            jsonBytes.Select(b => ("application/json", b)),
            form.Select(f => ("application/x-www-form-urlencoded", Encoding.UTF8.GetBytes(f))),
            Gen.Elements("text/plain", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "", "application/", ";;")
                .SelectMany(type => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(b => (type, b)))));
    }

    /// <summary>Schema documents: the German credit schema with random edits, and noise.</summary>
    public static Arbitrary<string> SchemaDocuments()
    {
        Gen<string> token = Gen.Elements(
            "{", "}", "[", "]", ",", ":", "\"", "null", "true", "-1", "0", "1e309", "\"\"", "\"numeric\"", "\"categorical\"", "\"name\"",
            "\"columns\"", "\"vocabulary\"", "\"minimum\"", "\"maximum\"", "\"aliases\"", "\"version\"", "\\ud800", "é", "\0", "2147483648");
        Gen<string> edit = Gen.Choose(0, SchemaJson.Length).SelectMany(at => Gen.Choose(0, 20).SelectMany(length => token.SelectMany(t => Gen.Elements(
            SchemaJson.Remove(at, Math.Min(length, SchemaJson.Length - at)),
            SchemaJson.Insert(at, t),
            SchemaJson.Remove(at, Math.Min(length, SchemaJson.Length - at)).Insert(at, t)))));
        Gen<string> edits = edit.SelectMany(once => Gen.Choose(0, once.Length).SelectMany(at => token.Select(t => once.Insert(at, t))));
        return Arb.From(Gen.Frequency((5, edit), (3, edits), (1, Gen.ListOf(token).Select(t => string.Concat(t)))));
    }

    /// <summary>The CSV reader returns a data set of at most the row cap, or a <see cref="DatasetValidationException"/> with 1 to 101 problems whose values are excerpts; twice the same.</summary>
    public static bool CsvReaderHolds(byte[] input)
    {
        string first = LoadOutcome(input);
        return first == LoadOutcome(input) && Schema.Hash == SchemaHash;
    }

    /// <summary>
    /// The request parser answers fields or a 400/413/415 problem; the field mapping then names only schema fields or the fields given,
    /// echoes only excerpts, and a valid applicant is scored; nothing else is thrown.
    /// </summary>
    public static bool RequestAndApplicantHold((string ContentType, byte[] Body) input)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = input.ContentType.Length == 0 ? null : input.ContentType;
        context.Request.ContentLength = input.Body.Length;
        context.Request.Body = new MemoryStream(input.Body);
        (Dictionary<string, string?>? fields, IResult? error) = RequestFields.ReadAsync(context.Request, Limits, CancellationToken.None).GetAwaiter().GetResult();
        if (fields is null)
        {
            return error is IStatusCodeHttpResult { StatusCode: 400 or 413 or 415 } and (ValidationProblem or ProblemHttpResult);
        }

        // An error names a field of the schema or a field as the caller gave it (an excerpt), nothing else.
        (Applicant applicant, Dictionary<string, string[]> errors, _, _) = Fields.Parse(fields);
        bool knownFields = errors.Keys.All(key => Fields.Names.Contains(key) || fields.Keys.Any(k => Excerpt.Of(k) == key));
        bool shortMessages = errors.Values.SelectMany(m => m).All(m => m.Length < 200);
        IReadOnlyDictionary<string, string[]> invalid = Predictor.Validate(applicant);
        bool predicted = errors.Count > 0 || invalid.Count > 0 || Predictor.Predict(applicant).ProbabilityGood is >= 0 and <= 1;
        return knownFields && shortMessages && invalid.Values.SelectMany(m => m).All(m => m.Length < 400) && predicted;
    }

    /// <summary>The schema reader returns a schema that reads back to itself, or a <see cref="FormatException"/>; the built-in schema is unchanged.</summary>
    public static bool SchemaReaderHolds(string json)
    {
        bool holds;
        try
        {
            FeatureSchema schema = FeatureSchema.FromJson(json);
            holds = FeatureSchema.FromJson(schema.ToJson()).Hash == schema.Hash;
        }
        catch (FormatException)
        {
            holds = true;
        }

        return holds && Schema.Hash == SchemaHash && Schema.ToJson() == SchemaJson;
    }

    private static string LoadOutcome(byte[] input)
    {
        try
        {
            CreditDataset data = DatasetLoader.LoadCsv(new MemoryStream(input, writable: false), Schema, MaxRows);
            return data.RowCount is > 0 and <= MaxRows ? $"rows {data.RowCount}" : throw new InvalidOperationException($"{data.RowCount} rows returned.");
        }
        catch (DatasetValidationException ex)
        {
            bool bounded = ex.Problems.Count is >= 1 and <= 101 && ex.Problems.All(p => (p.Value is null || p.Value.Length <= 41) && p.Reason.Length <= 1200);
            return bounded ? $"problems {ex.Problems.Count}" : throw new InvalidOperationException($"{ex.Problems.Count} problems, or a value longer than an excerpt.");
        }
    }

    private static Gen<string> ValueOf(FeatureColumn column) => column.Kind == FeatureKind.Numeric
        ? Gen.Choose((int)column.Minimum!.Value, (int)column.Maximum!.Value).Select(i => i.ToString(CultureInfo.InvariantCulture))
        : Gen.Elements([.. column.Vocabulary, .. column.Aliases.Keys]);
}
