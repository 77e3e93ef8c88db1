"""Work started in several threads at once, for the tests of what must hold when processes race."""
import threading


def in_threads(work, count: int) -> list:
    """work() in `count` threads at once; what each returned, or the first exception one raised:
    a thread that dies fails the test instead of vanishing."""
    results, failures = [], []

    def run():
        try:
            results.append(work())
        except BaseException as exc:
            failures.append(exc)
    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]
    return results
