package dev.hotpath.formats;

import dev.hotpath.formats.testing.Mutator;
import dev.hotpath.scoring.Model;
import dev.hotpath.scoring.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the ONNX part of {@link ModelFileFuzzTest} in a child JVM, because a mutation that reached ONNX Runtime's
 * native code could abort the JVM. Arguments: seed, iterations, work directory, seed model files. Each iteration
 * writes its mutated model to {@code current.onnx} in the work directory and prints {@code start <i> <what>} before
 * loading it (through {@link ModelLoader}, pre-validation included) and {@code loaded <i>} or {@code refused <i>}
 * after scoring it, so that if the JVM dies the parent knows which mutation killed it and has the file. Anything
 * other than a loaded-and-scored model or a {@link ModelFormatException} prints {@code FAIL <i> <exception>}.
 */
final class OnnxFuzzChildMain {

    private OnnxFuzzChildMain() {
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int iterations = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        List<byte[]> seeds = new ArrayList<>();
        List<List<Mutator.LengthField>> fields = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            byte[] b = Files.readAllBytes(Path.of(args[i]));
            seeds.add(b);
            fields.add(Mutator.protobufLengths(b));
        }
        Mutator mutator = new Mutator(seed);
        Path current = work.resolve("current.onnx");
        int loaded = 0;
        int refused = 0;
        for (int i = 0; i < iterations; i++) {
            int s = i % seeds.size();
            Mutator.Mutation m = mutator.mutate(seeds.get(s), fields.get(s));
            Files.write(current, m.bytes());
            System.out.println("start " + i + " seed " + s + ": " + m.description());
            System.out.flush();
            try (Model model = ModelLoader.load(current)) {
                ModelFileFuzzTest.scoreAll(model);
                loaded++;
                System.out.println("loaded " + i);
            } catch (ModelFormatException e) {
                refused++;
                System.out.println("refused " + i);
            } catch (Throwable t) {
                System.out.println("FAIL " + i + " " + t.toString().replace('\n', ' '));
                Files.copy(current, work.resolve("fail-" + i + ".onnx"));
            }
            System.out.flush();
        }
        System.out.println("summary loaded=" + loaded + " refused=" + refused);
    }
}
