import { expect, it } from 'vitest'
import { launchBrowser, newPhoneContext, seriousViolations } from '../support/browser.ts'

// The accessibility assertions elsewhere pass on an empty list; prove the helper can fail.
it('the accessibility check reports a planted contrast and label violation', async () => {
  const browser = await launchBrowser()
  try {
    const page = await (await newPhoneContext(browser)).newPage()
    await page.goto('/sign-in')
    await page.getByLabel('Email').waitFor()
    await page.evaluate(() => {
      const main = document.querySelector('main')!
      const faint = document.createElement('p')
      faint.textContent = 'faint text'
      faint.style.cssText = 'color: #eeeeee; background: #ffffff'
      main.append(faint, document.createElement('input'))
    })
    const ids = (await seriousViolations(page)).map(violation => violation.id)
    expect(ids).toEqual(expect.arrayContaining(['color-contrast', 'label']))
  }
  finally {
    await browser.close()
  }
})
